"""grad_norms_by_distance measures the gradient at h_T for every distance instead of at h_(T-d).

expect: less
base: solution
hint: In grad_norms_by_distance, check that norms[d] is the norm of the gradient that has reached h_{T-d}
  after going d steps back, not the gradient at the loss: only norms[0] is sqrt(N * H). If all your
  norms come out equal, look at which gradient you record inside the loop.
"""
# %% grad_norms_by_distance
def grad_norms_by_distance(cell, x, h0, U, W, b):
    N, T, D = x.shape
    h, c, caches = h0, np.zeros_like(h0), []
    for t in range(T):
        if cell == "rnn":
            h = np.tanh(x[:, t] @ U.T + h @ W.T + b)
            caches.append(h)
        elif cell == "lstm":
            h, c, cache = lstm_step_forward(x[:, t], h, c, U, W, b)
            caches.append(cache)
        else:
            h, cache = gru_step_forward(x[:, t], h, U, W, b)
            caches.append(cache)
    dh_T, dc = np.ones_like(h0), np.zeros_like(h0)
    dh = dh_T
    norms = np.empty(T)
    for d in range(T):
        norms[d] = np.linalg.norm(dh_T)               # mistake: always the gradient at h_T
        if d == T - 1:
            break
        cache = caches[T - 1 - d]
        if cell == "rnn":
            dh = (dh * (1.0 - cache ** 2)) @ W
        elif cell == "lstm":
            _, dh, dc, _, _, _ = lstm_step_backward(dh, dc, cache)
        else:
            _, dh, _, _, _ = gru_step_backward(dh, cache)
    return norms
