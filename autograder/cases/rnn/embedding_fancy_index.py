"""embedding_backward uses dE[ids] += dx, which keeps only one contribution of a repeated id.

expect: less
base: solution
"""
# %% embedding_backward
def embedding_backward(dx, cache):
    ids, shape = cache
    dE = np.zeros(shape)
    dE[ids] += dx                 # mistake: buffered fancy indexing, repeated ids are lost
    return dE
