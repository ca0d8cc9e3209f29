"""sequence_cross_entropy sums the negative log-likelihood over steps instead of averaging it.

expect: less
base: solution
hint: Look again at the loss L of sequence_cross_entropy: it is the mean over the counted steps (divided by
  M, the number of unmasked steps), and its gradient carries the same factor m / M. Check that
  repeating a batch twice gives the same loss, and compare dlogits with a finite-difference gradient.
"""
# %% sequence_cross_entropy
def sequence_cross_entropy(logits, targets, mask=None):
    N, T, V = logits.shape
    m = np.ones((N, T)) if mask is None else np.asarray(mask, dtype=np.float64)
    shifted = logits - logits.max(axis=-1, keepdims=True)
    probs = np.exp(shifted)
    probs /= probs.sum(axis=-1, keepdims=True)
    n_idx, t_idx = np.meshgrid(np.arange(N), np.arange(T), indexing="ij")
    loss = float(-(np.log(probs[n_idx, t_idx, targets]) * m).sum())     # mistake: no division
    dlogits = probs.copy()
    dlogits[n_idx, t_idx, targets] -= 1
    return loss, dlogits * m[..., None]
