"""Complete answers, and a top-level loop that writes up to 1 GB into /dev/shm (shared memory is a tmpfs of half the host's memory unless capped).

expect: full
base: solution
"""
# %% teacher_forcing_batch
for _i in range(64):
    try:
        with open(f"/dev/shm/FILLER_shm_{_i}", "wb") as _f:
            _f.write(b"\1" * 16 * 2**20)
    except OSError:
        break


def teacher_forcing_batch(tgt, bos_id):
    start = torch.full_like(tgt[:, :1], bos_id)
    return torch.cat([start, tgt[:, :-1]], dim=1), tgt.clone()
