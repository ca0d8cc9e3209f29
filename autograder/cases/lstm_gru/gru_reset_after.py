"""The GRU applies the reset gate after the matrix product, as torch.nn.GRU does: r * (h W_n^T).

Consistent forward and backward, so gradient checks pass; and with a diagonal W_hn the nn.GRU
mapping test passes too. Only the course-formula tests (full W_n) catch it.

expect: less
base: solution
hint: Look again at where the reset gate acts in the candidate n of gru_step_forward: the course GRU (Cho
  et al.) applies r to h_{t-1} before the product with W_n, while torch.nn.GRU applies it after. The
  notebook's section on the course GRU and torch.nn.GRU shows that the two differ unless W_n is diagonal.
"""
# %% gru_step_forward
def gru_step_forward(x, h_prev, U, W, b):
    H = h_prev.shape[1]
    ax = x @ U.T + b
    r = sigmoid(ax[:, :H] + h_prev @ W[:H].T)
    z = sigmoid(ax[:, H:2 * H] + h_prev @ W[H:2 * H].T)
    n = np.tanh(ax[:, 2 * H:] + r * (h_prev @ W[2 * H:].T))     # mistake: reset after the product (torch style)
    h_next = (1 - z) * h_prev + z * n
    cache = {"x": x, "h_prev": h_prev, "U": U, "W": W, "r": r, "z": z, "n": n}
    return h_next, cache

# %% gru_step_backward
def gru_step_backward(dh_next, cache):
    x, h_prev, U, W = cache["x"], cache["h_prev"], cache["U"], cache["W"]
    r, z, n = cache["r"], cache["z"], cache["n"]
    H = h_prev.shape[1]
    W_r, W_z, W_n = W[:H], W[H:2 * H], W[2 * H:]
    dz = dh_next * (n - h_prev)
    dn = dh_next * z
    da_n = dn * (1 - n ** 2)
    hw = h_prev @ W_n.T
    da_r = da_n * hw * r * (1 - r)
    da_z = dz * z * (1 - z)
    dh_prev = dh_next * (1 - z) + (da_n * r) @ W_n + da_r @ W_r + da_z @ W_z
    dW = np.concatenate([da_r.T @ h_prev, da_z.T @ h_prev, (da_n * r).T @ h_prev])
    da = np.concatenate([da_r, da_z, da_n], axis=1)
    dx = da @ U
    dU = da.T @ x
    db = da.sum(axis=0)
    return dx, dh_prev, dU, dW, db

# %% gru_forward
def gru_forward(x, h0, U, W, b):
    N, T, D = x.shape
    h = h0
    states, caches = [], []
    for t in range(T):
        h, step_cache = gru_step_forward(x[:, t], h, U, W, b)
        states.append(h)
        caches.append(step_cache)
    return np.stack(states, axis=1), caches

# %% gru_backward
def gru_backward(dh, cache):
    N, T, H = dh.shape
    dh_next = np.zeros((N, H))
    dxs = []
    dU = dW = db = 0
    for t in reversed(range(T)):
        dx_t, dh_next, dU_t, dW_t, db_t = gru_step_backward(dh[:, t] + dh_next, cache[t])
        dxs.append(dx_t)
        dU, dW, db = dU + dU_t, dW + dW_t, db + db_t
    return np.stack(dxs[::-1], axis=1), dh_next, dU, dW, db
