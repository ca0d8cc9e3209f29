"""grad_norms_by_distance drops the LSTM's cell path: dc_next is zero at every step.

expect: less
base: solution
hint: In grad_norms_by_distance, check what your LSTM branch does with the cell gradient: it starts at
  zero after the last step but must then be carried backwards from step to step through
  lstm_step_backward, alongside the gradient of h (point 3 of section 5). Without it you measure only
  the path through h, which is not the LSTM's gradient.
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
    dh = np.ones_like(h0)
    for d in range(T):
        norms[d] = np.linalg.norm(dh)
        if d == T - 1:
            break
        cache = caches[T - 1 - d]
        if cell == "rnn":
            dh = (dh * (1.0 - cache ** 2)) @ W
        elif cell == "lstm":
            _, dh, _, _, _, _ = lstm_step_backward(dh, np.zeros_like(dh), cache)   # mistake: dc is not carried
        else:
            _, dh, _, _, _ = gru_step_backward(dh, cache)
    return norms
