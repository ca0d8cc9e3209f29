"""The LSTM reads its gate blocks in the order i, f, o, g instead of PyTorch's i, f, g, o.

The mistake is consistent in the forward and backward step (the sequence functions loop over the
steps), so every gradient check passes: only the comparisons with fixed values and torch.nn catch it.

expect: less
base: solution
hint: Check the order in which lstm_step_forward slices the pre-activations into gate blocks, and in which
  lstm_step_backward stacks their gradients: the course uses PyTorch's order i, f, g, o. A gradient check
  cannot see a consistent swap; compare your lstm_forward with torch.nn.LSTM loaded with the same weights.
"""
# %% lstm_step_forward
def lstm_step_forward(x, h_prev, c_prev, U, W, b):
    H = h_prev.shape[1]
    a = x @ U.T + h_prev @ W.T + b
    i = sigmoid(a[:, :H])
    f = sigmoid(a[:, H:2 * H])
    o = sigmoid(a[:, 2 * H:3 * H])         # mistake: blocks read as i, f, o, g
    g = np.tanh(a[:, 3 * H:])
    c_next = f * c_prev + i * g
    h_next = o * np.tanh(c_next)
    cache = {"x": x, "h_prev": h_prev, "c_prev": c_prev, "U": U, "W": W,
             "i": i, "f": f, "g": g, "o": o, "c_next": c_next}
    return h_next, c_next, cache

# %% lstm_step_backward
def lstm_step_backward(dh_next, dc_next, cache):
    i, f, g, o = cache["i"], cache["f"], cache["g"], cache["o"]
    tanh_c = np.tanh(cache["c_next"])
    do = dh_next * tanh_c
    dc = dc_next + dh_next * o * (1 - tanh_c ** 2)
    di, df, dg = dc * g, dc * cache["c_prev"], dc * i
    dc_prev = dc * f
    da_i, da_f = di * i * (1 - i), df * f * (1 - f)
    da_g, da_o = dg * (1 - g ** 2), do * o * (1 - o)
    da = np.concatenate([da_i, da_f, da_o, da_g], axis=1)      # same order as the forward
    dx = da @ cache["U"]
    dh_prev = da @ cache["W"]
    dU = da.T @ cache["x"]
    dW = da.T @ cache["h_prev"]
    db = da.sum(axis=0)
    return dx, dh_prev, dc_prev, dU, dW, db

# %% lstm_forward
def lstm_forward(x, h0, U, W, b):
    N, T, D = x.shape
    h, c = h0, np.zeros_like(h0)
    states, caches = [], []
    for t in range(T):
        h, c, step_cache = lstm_step_forward(x[:, t], h, c, U, W, b)
        states.append(h)
        caches.append(step_cache)
    return np.stack(states, axis=1), caches

# %% lstm_backward
def lstm_backward(dh, cache):
    N, T, H = dh.shape
    dh_next, dc_next = np.zeros((N, H)), np.zeros((N, H))
    dxs = []
    dU = dW = db = 0
    for t in reversed(range(T)):
        dx_t, dh_next, dc_next, dU_t, dW_t, db_t = lstm_step_backward(dh[:, t] + dh_next, dc_next, cache[t])
        dxs.append(dx_t)
        dU, dW, db = dU + dU_t, dW + dW_t, db + db_t
    return np.stack(dxs[::-1], axis=1), dh_next, dU, dW, db
