"""rnn_lm_forward_backward takes the output layer's gradients from the last step only.

expect: less
base: solution
hint: The output layer in rnn_lm_forward_backward is applied at every step with the same Wy and by, so their
  gradients are sums over all (n, t) pairs, like those of U and W. Compare your gradients of Wy and by
  with finite-difference gradients of the loss.
"""
# %% rnn_lm_forward_backward
def rnn_lm_forward_backward(params, inputs, targets, mask, h0):
    x, emb_cache = embedding_forward(inputs, params["E"])
    h, rnn_cache = rnn_forward(x, h0, params["U"], params["W"], params["b"])
    logits = h @ params["Wy"].T + params["by"]
    loss, dlogits = sequence_cross_entropy(logits, targets, mask)
    grads = {"Wy": dlogits[:, -1].T @ h[:, -1],       # mistake: Wy and by are used at every step
             "by": dlogits[:, -1].sum(axis=0)}
    dx, _, grads["U"], grads["W"], grads["b"] = rnn_backward(dlogits @ params["Wy"], rnn_cache)
    grads["E"] = embedding_backward(dx, emb_cache)
    last = mask.shape[1] - 1 - np.argmax(mask[:, ::-1], axis=1)
    h_last = np.where(mask.any(axis=1)[:, None], h[np.arange(len(h)), last], h0)
    return loss, grads, h_last
