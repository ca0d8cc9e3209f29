"""A wrong teacher_forcing_batch that prints 20,000 short lines before returning its input twice.

expect: zero
base: release
"""
# %% teacher_forcing_batch
def teacher_forcing_batch(tgt, bos_id):
    for i in range(20_000):
        print(f"step {i}")
    return tgt, tgt
