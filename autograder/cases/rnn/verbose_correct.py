"""An honest student who left verbose debugging prints (30 kB per call) in two correct functions.

expect: full
base: solution
"""
# %% rnn_step_forward
def rnn_step_forward(x, h_prev, U, W, b):
    print("rnn_step_forward inputs:", x.shape, h_prev.shape, "=" * 30_000)
    h_next = np.tanh(x @ U.T + h_prev @ W.T + b)
    return h_next, (x, h_prev, U, W, h_next)
# %% softmax_with_temperature
def softmax_with_temperature(logits, temperature=1.0):
    z = np.asarray(logits, dtype=np.float64) / temperature
    print("logits", z.shape, "-" * 30_000)
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)
