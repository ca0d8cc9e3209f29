"""mean_pool masks the padding out of the sum but divides by T instead of each row's length.

expect: less
base: solution
"""
# %% mean_pool
def mean_pool(h, lengths):
    lengths = np.asarray(lengths)
    mask = np.arange(h.shape[1])[None, :] < lengths[:, None]
    total = np.where(mask[:, :, None], h, 0.0).sum(axis=1)
    return total / h.shape[1]                             # mistake: should divide by lengths
