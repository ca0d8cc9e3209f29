"""rnn_backward forgets the gradient that reaches h_t from h_(t+1): each step sees only dh[:, t].

expect: less
base: solution
hint: Look again at backpropagation through time in rnn_backward: the gradient reaching h_t has two parts,
  the direct one dh[:, t] and the one that comes back from step t+1 through W. Compare dx and dh0 with
  finite-difference gradients when the upstream gradient is non-zero only at the last step.
"""
# %% rnn_backward
def rnn_backward(dh, cache):
    x, h0, U, W, hs = cache
    N, T, D = x.shape
    H = h0.shape[1]
    dx = np.zeros((N, T, D))
    dU, dW, db = np.zeros((H, D)), np.zeros((H, H)), np.zeros(H)
    dh_prev = np.zeros((N, H))
    for t in range(T - 1, -1, -1):
        h_prev = h0 if t == 0 else hs[t - 1]
        da = dh[:, t] * (1 - hs[t] ** 2)        # mistake: the gradient from step t + 1 is dropped
        dx[:, t] = da @ U
        dh_prev = da @ W
        dU += da.T @ x[:, t]
        dW += da.T @ h_prev
        db += da.sum(axis=0)
    return dx, dh_prev, dU, dW, db
