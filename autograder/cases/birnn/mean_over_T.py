"""mean_pool masks the padding out of the sum but divides by T instead of each row's length.

expect: less
base: solution
hint: In mean_pool, every row is averaged over its own real steps only: the sum runs over t < lengths[i] and
  is divided by lengths[i], not by the padded length T. Check a row of length 1 in a batch with T = 5: its
  mean must be its first state.
"""
# %% mean_pool
def mean_pool(h, lengths):
    lengths = np.asarray(lengths)
    mask = np.arange(h.shape[1])[None, :] < lengths[:, None]
    total = np.where(mask[:, :, None], h, 0.0).sum(axis=1)
    return total / h.shape[1]                             # mistake: should divide by lengths
