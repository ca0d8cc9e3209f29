"""A realistic partial submission: most of it right, three functions wrong.

lstm_forward starts the cell state from h0 instead of zeros; gru_step_backward forgets the direct
route (1 - z) from h_next to h_prev; count_parameters gives every gated cell four blocks.

expect: less
base: solution
hint: Look again at three functions: lstm_forward starts from a zero cell state c_0 whatever h0 is;
  gru_step_backward collects the gradient of h_prev from all four places where h_{t-1} is used, the direct
  one with weight 1 - z included; and count_parameters uses three blocks for the GRU.
"""
# %% lstm_forward
def lstm_forward(x, h0, U, W, b):
    N, T, D = x.shape
    H = h0.shape[1]
    xu = (x.reshape(N * T, D) @ U.T + b).reshape(N, T, 4 * H).transpose(1, 0, 2)
    acts = np.empty((T, N, 4 * H))
    cs, tanh_cs, hs = np.empty((T, N, H)), np.empty((T, N, H)), np.empty((T, N, H))
    h_prev, c_prev = h0, h0.copy()            # mistake: the cell state should start at zero
    for t in range(T):
        a = xu[t] + h_prev @ W.T
        acts[t] = sigmoid(a)
        acts[t, :, 2 * H:3 * H] = np.tanh(a[:, 2 * H:3 * H])
        i, f, g, o = acts[t, :, :H], acts[t, :, H:2 * H], acts[t, :, 2 * H:3 * H], acts[t, :, 3 * H:]
        c_prev = cs[t] = f * c_prev + i * g
        tanh_cs[t] = np.tanh(c_prev)
        h_prev = hs[t] = o * tanh_cs[t]
    return hs.transpose(1, 0, 2).copy(), (x, h0, U, W, acts, cs, tanh_cs, hs)

# %% gru_step_backward
def gru_step_backward(dh_next, cache):
    x, h_prev, U, W, rz, n, rh = cache
    H = h_prev.shape[1]
    r, z = rz[:, :H], rz[:, H:]
    da_n = dh_next * z * (1 - n ** 2)
    drh = da_n @ W[2 * H:]
    da_r = drh * h_prev * r * (1 - r)
    da_z = dh_next * (n - h_prev) * z * (1 - z)
    da = np.concatenate([da_r, da_z, da_n], axis=1)
    dh_prev = drh * r + da[:, :2 * H] @ W[:2 * H]          # mistake: dh_next * (1 - z) is missing
    dW = np.concatenate([da[:, :2 * H].T @ h_prev, da_n.T @ rh])
    return da @ U, dh_prev, da.T @ x, dW, da.sum(axis=0)

# %% count_parameters
def count_parameters(cell, input_size, hidden_size):
    G = 1 if cell == "rnn" else 4             # mistake: the GRU has three blocks, not four
    return G * hidden_size * (input_size + hidden_size + 1)
