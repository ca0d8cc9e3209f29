"""rnn_lm_forward_backward returns the state after the last step, padding included, as h_last.

expect: less
base: solution
hint: Look again at what h_last means in rnn_lm_forward_backward: for each row, the hidden state after its
  last real (unmasked) step, since the states computed over the padding are not carried to the next
  chunk. Check it on a batch whose rows have different lengths.
"""
# %% rnn_lm_forward_backward
def rnn_lm_forward_backward(params, inputs, targets, mask, h0):
    x, emb_cache = embedding_forward(inputs, params["E"])
    h, rnn_cache = rnn_forward(x, h0, params["U"], params["W"], params["b"])
    N, T, H = h.shape
    logits = h @ params["Wy"].T + params["by"]
    loss, dlogits = sequence_cross_entropy(logits, targets, mask)
    grads = {"Wy": dlogits.reshape(N * T, -1).T @ h.reshape(N * T, H), "by": dlogits.sum(axis=(0, 1))}
    dx, _, grads["U"], grads["W"], grads["b"] = rnn_backward(dlogits @ params["Wy"], rnn_cache)
    grads["E"] = embedding_backward(dx, emb_cache)
    return loss, grads, h[:, -1]                      # mistake: the padded steps' states are carried
