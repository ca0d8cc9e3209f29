"""grad_norms_by_distance returns the norms indexed by time step (h_1 first), not by distance from h_T.

expect: less
base: solution
hint: Check the order of the array grad_norms_by_distance returns: norms[d] belongs to distance d from the
  last state, so norms[0] is the gradient at h_T (equal to sqrt(N * H)) and norms[T-1] the one at h_1.
  Print norms[0] for a small input to see which end you filled first.
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
    norms = np.empty(T)
    dh, dc = np.ones_like(h0), np.zeros_like(h0)
    for t in range(T - 1, -1, -1):
        norms[t] = np.linalg.norm(dh)                 # mistake: stored at the time step t, not at T-1-t
        if t == 0:
            break
        if cell == "rnn":
            dh = (dh * (1.0 - caches[t] ** 2)) @ W
        elif cell == "lstm":
            _, dh, dc, _, _, _ = lstm_step_backward(dh, dc, caches[t])
        else:
            _, dh, _, _, _ = gru_step_backward(dh, caches[t])
    return norms
