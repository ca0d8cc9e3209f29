"""Every function rewritten in a different, correct, loop-based style: must get full marks.

Per-sample and per-step loops, rnn_forward/rnn_backward built on the step functions with a list
of step caches, explicit loops in the embedding, cross-entropy and softmax, math.sqrt in clipping.

expect: full
base: solution
"""
# %% numerical_gradient
def numerical_gradient(f, x, eps=1e-5):
    grad = np.zeros(x.shape)
    for k in range(x.size):
        i = np.unravel_index(k, x.shape)
        saved = x[i].copy()
        x[i] = saved + eps
        f_plus = f(x)
        x[i] = saved - eps
        f_minus = f(x)
        x[i] = saved
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad

# %% rnn_step_forward
def rnn_step_forward(x, h_prev, U, W, b):
    N, H = h_prev.shape
    h_next = np.zeros((N, H))
    for n in range(N):
        h_next[n] = np.tanh(U @ x[n] + W @ h_prev[n] + b)
    return h_next, {"x": x, "h_prev": h_prev, "U": U, "W": W, "h_next": h_next}

# %% rnn_step_backward
def rnn_step_backward(dh_next, cache):
    x, h_prev, U, W, h_next = cache["x"], cache["h_prev"], cache["U"], cache["W"], cache["h_next"]
    dx, dh_prev = np.zeros_like(x), np.zeros_like(h_prev)
    dU, dW, db = np.zeros_like(U), np.zeros_like(W), np.zeros(U.shape[0])
    for n in range(x.shape[0]):
        da = dh_next[n] * (1 - h_next[n] * h_next[n])
        dx[n] = U.T @ da
        dh_prev[n] = W.T @ da
        dU += np.outer(da, x[n])
        dW += np.outer(da, h_prev[n])
        db += da
    return dx, dh_prev, dU, dW, db

# %% rnn_forward
def rnn_forward(x, h0, U, W, b):
    N, T, D = x.shape
    states, caches = [], []
    h = h0
    for t in range(T):
        h, c = rnn_step_forward(x[:, t, :], h, U, W, b)
        states.append(h)
        caches.append(c)
    return np.stack(states, axis=1), caches

# %% rnn_backward
def rnn_backward(dh, cache):
    N, T, H = dh.shape
    dxs = [None] * T
    dU = dW = db = 0
    dh_prev = np.zeros((N, H))
    for t in range(T - 1, -1, -1):
        dx_t, dh_prev, dU_t, dW_t, db_t = rnn_step_backward(dh[:, t, :] + dh_prev, cache[t])
        dxs[t] = dx_t
        dU, dW, db = dU + dU_t, dW + dW_t, db + db_t
    return np.stack(dxs, axis=1), dh_prev, dU, dW, db

# %% embedding_forward
def embedding_forward(ids, E):
    N, T = np.shape(ids)
    x = np.zeros((N, T, E.shape[1]))
    for n in range(N):
        for t in range(T):
            x[n, t] = E[ids[n][t]]
    return x, {"ids": [list(row) for row in ids], "V": E.shape[0]}

# %% embedding_backward
def embedding_backward(dx, cache):
    dE = np.zeros((cache["V"], dx.shape[2]))
    for n, row in enumerate(cache["ids"]):
        for t, token in enumerate(row):
            dE[token] += dx[n, t]
    return dE

# %% sequence_cross_entropy
def sequence_cross_entropy(logits, targets, mask=None):
    N, T, V = logits.shape
    total, count = 0.0, 0.0
    dlogits = np.zeros_like(logits)
    for n in range(N):
        for t in range(T):
            weight = 1.0 if mask is None else float(mask[n][t])
            if weight == 0:
                continue
            z = logits[n, t]
            log_norm = z.max() + np.log(np.sum(np.exp(z - z.max())))
            total += weight * (log_norm - z[targets[n][t]])
            count += weight
            dlogits[n, t] = weight * np.exp(z - log_norm)
            dlogits[n, t, targets[n][t]] -= weight
    return total / count, dlogits / count

# %% softmax_with_temperature
def softmax_with_temperature(logits, temperature=1.0):
    logits = np.asarray(logits, dtype=np.float64)
    rows = logits.reshape(-1, logits.shape[-1])
    out = np.zeros_like(rows)
    for i in range(rows.shape[0]):
        z = [v / temperature for v in rows[i]]
        top = max(z)
        e = [np.exp(v - top) for v in z]
        s = sum(e)
        out[i] = [v / s for v in e]
    return out.reshape(logits.shape)

# %% clip_grad_norm
import math

def clip_grad_norm(grads, max_norm):
    squares = 0.0
    for g in grads.values():
        for v in np.ravel(g):
            squares += v * v
    total_norm = math.sqrt(squares)
    clipped = {}
    for name, g in grads.items():
        if total_norm > max_norm:
            clipped[name] = g * (max_norm / (total_norm + 1e-6))     # torch's formula
        else:
            clipped[name] = np.array(g, copy=True)
    return clipped, total_norm
