"""embedding_backward uses dE[ids] += dx, which keeps only one contribution of a repeated id.

expect: less
base: solution
hint: In embedding_backward, a token id that occurs several times in the batch must collect the sum of all
  its gradients; re-read the notebook's warning about NumPy's buffered fancy-index assignment with
  repeated indices. Check your dE on a batch in which one id appears twice.
"""
# %% embedding_backward
def embedding_backward(dx, cache):
    ids, shape = cache
    dE = np.zeros(shape)
    dE[ids] += dx                 # mistake: buffered fancy indexing, repeated ids are lost
    return dE
