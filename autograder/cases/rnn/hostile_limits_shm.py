"""Complete answers, and a top-level loop that writes up to 1 GB into /dev/shm (shared memory is a tmpfs of half the host's memory unless capped).

expect: full
base: solution
"""
# %% embedding_forward
for _i in range(64):
    try:
        with open(f"/dev/shm/FILLER_shm_{_i}", "wb") as _f:
            _f.write(b"\1" * 16 * 2**20)
    except OSError:
        break


def embedding_forward(ids, E):
    ids = np.asarray(ids)
    return E[ids], (ids, E.shape)
