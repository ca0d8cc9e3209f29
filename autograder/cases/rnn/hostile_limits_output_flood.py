"""Complete answers, and a top-level loop that prints 128 MB in 64 kB pieces: the grader must keep only what it shows, as it arrives.

expect: full
base: solution
"""
# %% embedding_forward
_chunk = "flood " * 11_000
for _i in range(2_000):
    print(_chunk)


def embedding_forward(ids, E):
    ids = np.asarray(ids)
    return E[ids], (ids, E.shape)
