"""Complete answers, and a top-level loop that prints 128 MB in 64 kB pieces: the grader must keep only what it shows, as it arrives.

expect: full
base: solution
"""
# %% teacher_forcing_batch
_chunk = "flood " * 11_000
for _i in range(2_000):
    print(_chunk)


def teacher_forcing_batch(tgt, bos_id):
    start = torch.full_like(tgt[:, :1], bos_id)
    return torch.cat([start, tgt[:, :-1]], dim=1), tgt.clone()
