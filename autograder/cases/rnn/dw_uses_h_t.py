"""rnn_backward multiplies by h_t where h_(t-1) belongs in dW (the state after the step, not before).

expect: less
base: solution
hint: Look again at the gradient of W in the backward pass: it pairs the gradient of a_t with h_(t-1), the
  state that went into step t, not the state h_t that came out of it. Compare your dW from rnn_backward
  with a finite-difference gradient.
"""
# %% rnn_backward
def rnn_backward(dh, cache):
    x, h0, U, W, hs = cache
    N, T, D = x.shape
    H = h0.shape[1]
    das = np.empty((T, N, H))
    dh_t = dh.transpose(1, 0, 2)
    carry = np.zeros((N, H))
    for t in range(T - 1, -1, -1):
        da = (dh_t[t] + carry) * (1.0 - hs[t] ** 2)
        das[t] = da
        carry = da @ W
    da_flat = das.reshape(T * N, H)
    dU = da_flat.T @ x.transpose(1, 0, 2).reshape(T * N, D)
    dW = da_flat.T @ hs.reshape(T * N, H)        # mistake: should pair da_t with h_(t-1)
    db = da_flat.sum(axis=0)
    dx = (da_flat @ U).reshape(T, N, D).transpose(1, 0, 2)
    return dx, carry, dU, dW, db
