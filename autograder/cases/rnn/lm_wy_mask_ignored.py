"""rnn_lm_forward_backward recomputes the output layer's gradient without the mask (padding counts there).

expect: less
base: solution
hint: Check the gradients of the output layer (Wy and by) in rnn_lm_forward_backward: padded steps must
  contribute nothing to them, just as they do not count in the loss. Changing the targets at a padded
  step should leave every gradient unchanged; compare with a finite-difference gradient on a padded batch.
"""
# %% rnn_lm_forward_backward
def rnn_lm_forward_backward(params, inputs, targets, mask, h0):
    x, emb_cache = embedding_forward(inputs, params["E"])
    h, rnn_cache = rnn_forward(x, h0, params["U"], params["W"], params["b"])
    N, T, H = h.shape
    logits = h @ params["Wy"].T + params["by"]
    loss, dlogits = sequence_cross_entropy(logits, targets, mask)
    # the output layer's gradient written out again, forgetting to multiply by the mask
    probs = softmax_with_temperature(logits)
    dz = probs - np.eye(logits.shape[-1])[targets]
    dz /= mask.sum()                                  # mistake: padded steps are not zeroed
    grads = {"Wy": dz.reshape(N * T, -1).T @ h.reshape(N * T, H), "by": dz.sum(axis=(0, 1))}
    dx, _, grads["U"], grads["W"], grads["b"] = rnn_backward(dlogits @ params["Wy"], rnn_cache)
    grads["E"] = embedding_backward(dx, emb_cache)
    last = T - 1 - np.argmax(mask[:, ::-1], axis=1)
    h_last = np.where(mask.any(axis=1)[:, None], h[np.arange(N), last], h0)
    return loss, grads, h_last
