"""grad_norms_by_distance written another correct way: one sequence at a time, caches in a dict,
the RNN's forward step written out, the norm summed over the rows. Must get full marks.

expect: full
base: solution
"""
# %% grad_norms_by_distance
def grad_norms_by_distance(cell, x, h0, U, W, b):
    N, T, D = x.shape
    H = h0.shape[1]
    squares = np.zeros(T)
    for n in range(N):
        h, c = h0[n:n + 1], np.zeros((1, H))
        caches = {}
        for t in range(1, T + 1):
            if cell == "lstm":
                h, c, caches[t] = lstm_step_forward(x[n:n + 1, t - 1], h, c, U, W, b)
            elif cell == "gru":
                h, caches[t] = gru_step_forward(x[n:n + 1, t - 1], h, U, W, b)
            else:
                h = np.tanh(x[n:n + 1, t - 1] @ U.T + h @ W.T + b)
                caches[t] = h
        grad_h, grad_c = np.ones((1, H)), np.zeros((1, H))
        for k in range(T, 0, -1):                     # grad_h is dL/dh_k
            squares[T - k] += float(np.sum(grad_h ** 2))
            if k == 1:
                continue
            if cell == "lstm":
                grad_h, grad_c = lstm_step_backward(grad_h, grad_c, caches[k])[1:3]
            elif cell == "gru":
                grad_h = gru_step_backward(grad_h, caches[k])[1]
            else:
                grad_h = (grad_h * (1 - caches[k] * caches[k])) @ W
    return np.sqrt(squares)
