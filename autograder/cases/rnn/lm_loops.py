"""The language model and the sampler written with loops, in another correct style: must get full marks.

rnn_lm_forward_backward runs the steps one at a time with rnn_step_forward/backward and applies the
output layer per step; rnn_lm_sample draws with its own inverse-CDF sampler (rng.random and a
cumulative sum), so it uses the generator differently from rng.choice.

expect: full
base: solution
"""
# %% rnn_lm_forward_backward
def rnn_lm_forward_backward(params, inputs, targets, mask, h0):
    E, U, W, b, Wy, by = (params[k] for k in ("E", "U", "W", "b", "Wy", "by"))
    N, T = inputs.shape
    count = float(np.sum(mask))
    h, caches, hs, loss = h0, [], [], 0.0
    h_last = h0.copy()
    dzs = []
    for t in range(T):
        x = np.stack([E[inputs[n, t]] for n in range(N)])
        h, cache = rnn_step_forward(x, h, U, W, b)
        caches.append(cache)
        hs.append(h)
        z = h @ Wy.T + by
        z = z - z.max(axis=1, keepdims=True)
        p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
        dz = np.zeros_like(p)
        for n in range(N):
            if mask[n, t]:
                loss -= np.log(p[n, targets[n, t]]) / count
                dz[n] = p[n] / count
                dz[n, targets[n, t]] -= 1.0 / count
                h_last[n] = h[n]
        dzs.append(dz)
    grads = {k: np.zeros_like(v, dtype=np.float64) for k, v in params.items()}
    dh_next = np.zeros_like(h0)
    for t in reversed(range(T)):
        grads["Wy"] += dzs[t].T @ hs[t]
        grads["by"] += dzs[t].sum(axis=0)
        dx, dh_next, dU, dW, db = rnn_step_backward(dzs[t] @ Wy + dh_next, caches[t])
        grads["U"] += dU
        grads["W"] += dW
        grads["b"] += db
        for n in range(N):
            grads["E"][inputs[n, t]] += dx[n]
    return float(loss), grads, h_last

# %% rnn_lm_sample
def rnn_lm_sample(params, start_id, end_id, max_len, temperature=1.0, rng=None):
    if rng is None:
        rng = np.random.default_rng()
    h = np.zeros((1, params["W"].shape[0]))
    ids = []
    token = start_id
    for _ in range(max_len):
        x = params["E"][token][None, :]
        h = np.tanh(x @ params["U"].T + h @ params["W"].T + params["b"])
        probs = softmax_with_temperature((h @ params["Wy"].T + params["by"])[0], temperature)
        token = min(int(np.searchsorted(np.cumsum(probs), rng.random(), side="right")), len(probs) - 1)
        if token == end_id:
            break
        ids.append(token)
    return ids
