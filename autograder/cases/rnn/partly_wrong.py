"""A realistic partial submission: the RNN steps, embedding and clipping right; three functions wrong.

rnn_forward starts every sequence from zeros instead of h0; sequence_cross_entropy gets the loss
right but forgets to divide the gradient by the number of counted steps; softmax_with_temperature
multiplies the logits by the temperature instead of dividing.

expect: less
base: solution
hint: Several functions need another look. Check that rnn_forward starts from the h0 it is given, that the
  gradient of sequence_cross_entropy carries the same 1/M as its loss (compare with a finite-difference
  gradient), and that softmax_with_temperature divides the logits by the temperature (below 1 sharpens).
"""
# %% rnn_forward
def rnn_forward(x, h0, U, W, b):
    N, T, D = x.shape
    H = h0.shape[1]
    h = np.zeros((N, T, H))
    h_prev = np.zeros((N, H))                 # mistake: ignores h0
    for t in range(T):
        h_prev = np.tanh(x[:, t] @ U.T + h_prev @ W.T + b)
        h[:, t] = h_prev
    return h, (x, h0, U, W, h.transpose(1, 0, 2).copy())

# %% sequence_cross_entropy
def sequence_cross_entropy(logits, targets, mask=None):
    N, T, V = logits.shape
    m = np.ones((N, T)) if mask is None else np.asarray(mask, dtype=np.float64)
    z = logits - logits.max(axis=-1, keepdims=True)
    p = np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True)
    onehot = np.eye(V)[targets]
    loss = -(np.log((p * onehot).sum(axis=-1)) * m).sum() / m.sum()
    dlogits = (p - onehot) * m[..., None]             # mistake: not divided by m.sum()
    return float(loss), dlogits

# %% softmax_with_temperature
def softmax_with_temperature(logits, temperature=1.0):
    z = logits * temperature                          # mistake: should divide
    z = z - z.max(axis=-1, keepdims=True)
    return np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True)
