"""masked_cross_entropy averages over every position of the batch, padding included.

The padded positions (label 0, "inside a word") count as easy correct answers and the denominator
is N * T instead of the number of real characters.

expect: less
base: solution
hint: In masked_cross_entropy, only the real characters count: a padded position adds nothing to the sum,
  and the denominator is the number of real positions, not N times T. Check that changing the logits or the
  labels at padded positions, or adding more padding, leaves your loss unchanged.
"""
# %% masked_cross_entropy
def masked_cross_entropy(logits, labels, lengths):
    return torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), labels.reshape(-1))
