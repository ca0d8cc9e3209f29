"""A blank notebook whose teacher_forcing_batch displays the score it would like (25) as rich output and returns its input twice.

expect: zero
base: release
"""
# %% teacher_forcing_batch
def teacher_forcing_batch(tgt, bos_id):
    display(25.0)
    display({"text/plain": "25"}, raw=True)
    return tgt, tgt
