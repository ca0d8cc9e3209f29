"""Every function rewritten in a different, correct, loop-based style: must get full marks.

Per-gate matrices sliced out of U, W and b, explicit loops over the batch in the step functions
(np.outer for the weight gradients), sequence functions that loop over time calling the step
functions with a list of step caches, and parameter counts summed matrix by matrix.

expect: full
base: solution
"""
# %% lstm_step_forward
def lstm_step_forward(x, h_prev, c_prev, U, W, b):
    N, H = h_prev.shape
    blocks = [(U[k * H:(k + 1) * H], W[k * H:(k + 1) * H], b[k * H:(k + 1) * H]) for k in range(4)]
    h_next, c_next = np.zeros((N, H)), np.zeros((N, H))
    gates = []
    for n in range(N):
        pre = [Uk @ x[n] + Wk @ h_prev[n] + bk for Uk, Wk, bk in blocks]
        i_n, f_n, o_n = 1 / (1 + np.exp(-pre[0])), 1 / (1 + np.exp(-pre[1])), 1 / (1 + np.exp(-pre[3]))
        g_n = np.tanh(pre[2])
        c_next[n] = f_n * c_prev[n] + i_n * g_n
        h_next[n] = o_n * np.tanh(c_next[n])
        gates.append((i_n, f_n, g_n, o_n))
    cache = {"x": x.copy(), "h_prev": h_prev.copy(), "c_prev": c_prev.copy(), "blocks": blocks,
             "gates": gates, "c_next": c_next.copy()}
    return h_next, c_next, cache

# %% lstm_step_backward
def lstm_step_backward(dh_next, dc_next, cache):
    x, h_prev, c_prev, blocks = cache["x"], cache["h_prev"], cache["c_prev"], cache["blocks"]
    N, H = h_prev.shape
    D = x.shape[1]
    dx, dh_prev, dc_prev = np.zeros((N, D)), np.zeros((N, H)), np.zeros((N, H))
    dUs = [np.zeros((H, D)) for _ in range(4)]
    dWs = [np.zeros((H, H)) for _ in range(4)]
    dbs = [np.zeros(H) for _ in range(4)]
    for n in range(N):
        i_n, f_n, g_n, o_n = cache["gates"][n]
        tc = np.tanh(cache["c_next"][n])
        dc = dc_next[n] + dh_next[n] * o_n * (1 - tc * tc)
        dpre = [dc * g_n * i_n * (1 - i_n), dc * c_prev[n] * f_n * (1 - f_n),
                dc * i_n * (1 - g_n * g_n), dh_next[n] * tc * o_n * (1 - o_n)]
        dc_prev[n] = dc * f_n
        for k, (Uk, Wk, _) in enumerate(blocks):
            dx[n] += Uk.T @ dpre[k]
            dh_prev[n] += Wk.T @ dpre[k]
            dUs[k] += np.outer(dpre[k], x[n])
            dWs[k] += np.outer(dpre[k], h_prev[n])
            dbs[k] += dpre[k]
    return dx, dh_prev, dc_prev, np.vstack(dUs), np.vstack(dWs), np.concatenate(dbs)

# %% lstm_forward
def lstm_forward(x, h0, U, W, b):
    N, T, D = x.shape
    H = h0.shape[1]
    h = np.zeros((N, T, H))
    h_t, c_t = h0, np.zeros((N, H))
    step_caches = []
    for t in range(T):
        h_t, c_t, step_cache = lstm_step_forward(x[:, t, :], h_t, c_t, U, W, b)
        h[:, t, :] = h_t
        step_caches.append(step_cache)
    return h, step_caches

# %% lstm_backward
def lstm_backward(dh, cache):
    N, T, H = dh.shape
    dx = None
    dU, dW, db = 0.0, 0.0, 0.0
    dh_carry, dc_carry = np.zeros((N, H)), np.zeros((N, H))
    for t in range(T - 1, -1, -1):
        dx_t, dh_carry, dc_carry, dU_t, dW_t, db_t = lstm_step_backward(dh[:, t, :] + dh_carry, dc_carry, cache[t])
        if dx is None:
            dx = np.zeros((N, T, dx_t.shape[1]))
        dx[:, t, :] = dx_t
        dU, dW, db = dU + dU_t, dW + dW_t, db + db_t
    return dx, dh_carry, dU, dW, db

# %% gru_step_forward
def gru_step_forward(x, h_prev, U, W, b):
    N, H = h_prev.shape
    U_r, U_z, U_n = U[:H], U[H:2 * H], U[2 * H:]
    W_r, W_z, W_n = W[:H], W[H:2 * H], W[2 * H:]
    b_r, b_z, b_n = b[:H], b[H:2 * H], b[2 * H:]
    h_next = np.zeros((N, H))
    saved = []
    for n in range(N):
        r_n = 1 / (1 + np.exp(-(U_r @ x[n] + W_r @ h_prev[n] + b_r)))
        z_n = 1 / (1 + np.exp(-(U_z @ x[n] + W_z @ h_prev[n] + b_z)))
        cand = np.tanh(U_n @ x[n] + W_n @ (r_n * h_prev[n]) + b_n)
        h_next[n] = (1 - z_n) * h_prev[n] + z_n * cand
        saved.append((r_n, z_n, cand))
    return h_next, [x.copy(), h_prev.copy(), U.copy(), W.copy(), saved]

# %% gru_step_backward
def gru_step_backward(dh_next, cache):
    x, h_prev, U, W, saved = cache
    N, H = h_prev.shape
    dx, dh_prev = np.zeros_like(x), np.zeros_like(h_prev)
    dU, dW, db = np.zeros_like(U), np.zeros_like(W), np.zeros(3 * H)
    for n in range(N):
        r_n, z_n, cand = saved[n]
        g = dh_next[n]
        d_cand = g * z_n * (1 - cand ** 2)
        d_rh = W[2 * H:].T @ d_cand
        d_r = d_rh * h_prev[n] * r_n * (1 - r_n)
        d_z = g * (cand - h_prev[n]) * z_n * (1 - z_n)
        d_all = np.concatenate([d_r, d_z, d_cand])
        dx[n] = U.T @ d_all
        dh_prev[n] = g * (1 - z_n) + d_rh * r_n + W[:H].T @ d_r + W[H:2 * H].T @ d_z
        dU += np.outer(d_all, x[n])
        dW[:H] += np.outer(d_r, h_prev[n])
        dW[H:2 * H] += np.outer(d_z, h_prev[n])
        dW[2 * H:] += np.outer(d_cand, r_n * h_prev[n])
        db += d_all
    return dx, dh_prev, dU, dW, db

# %% gru_forward
def gru_forward(x, h0, U, W, b):
    N, T, D = x.shape
    h = np.zeros((N, T, h0.shape[1]))
    h_t, step_caches = h0, []
    for t in range(T):
        h_t, step_cache = gru_step_forward(x[:, t, :], h_t, U, W, b)
        h[:, t, :] = h_t
        step_caches.append(step_cache)
    return h, step_caches

# %% gru_backward
def gru_backward(dh, cache):
    N, T, H = dh.shape
    grads_x = {}
    dU = dW = db = 0.0
    carry = np.zeros((N, H))
    for t in range(T - 1, -1, -1):
        grads_x[t], carry, dU_t, dW_t, db_t = gru_step_backward(dh[:, t, :] + carry, cache[t])
        dU, dW, db = dU + dU_t, dW + dW_t, db + db_t
    return np.stack([grads_x[t] for t in range(T)], axis=1), carry, dU, dW, db

# %% count_parameters
def count_parameters(cell, input_size, hidden_size):
    gate_names = {"rnn": ["h"], "lstm": ["i", "f", "g", "o"], "gru": ["r", "z", "n"]}[cell]
    total = 0
    for _ in gate_names:
        total += hidden_size * input_size      # this gate's block of U
        total += hidden_size * hidden_size     # its block of W
        total += hidden_size                   # its bias
    return total
