"""sequence_cross_entropy accepts a mask but ignores it: padded steps count in the loss.

expect: less
base: solution
hint: Look again at the role of the mask in sequence_cross_entropy: padded steps must count neither in the
  sum of negative log-likelihoods nor in the number M you divide by, and their gradient must be zero.
  Check that changing the logits at a padded step changes neither your loss nor the other gradients.
"""
# %% sequence_cross_entropy
def sequence_cross_entropy(logits, targets, mask=None):
    N, T, V = logits.shape
    shifted = logits - logits.max(axis=-1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    flat = log_probs.reshape(N * T, V)
    rows = np.arange(N * T)
    loss = -flat[rows, targets.reshape(-1)].mean()           # mistake: mask never used
    dlogits = np.exp(flat)
    dlogits[rows, targets.reshape(-1)] -= 1
    return loss, dlogits.reshape(N, T, V) / (N * T)
