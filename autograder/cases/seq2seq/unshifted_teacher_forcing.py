"""teacher_forcing_batch feeds the decoder the target unshifted: it reads the token it must predict.

The first input is <s> as required, but after that the decoder reads y_t at step t instead of
y_{t-1}.

expect: less
base: solution
hint: Look again at the table of teacher forcing in the notebook: the decoder's inputs are the targets
  shifted right by one, <s> at the first step and y_{t-1} at step t (the last token dropped), so the
  decoder never reads the token it must predict. Check on one row by hand that every input is the target
  of the step before.
"""
# %% teacher_forcing_batch
def teacher_forcing_batch(tgt, bos_id):
    dec_in = tgt.clone()
    dec_in[:, 0] = bos_id                                            # mistake: the rest is not shifted
    return dec_in, tgt.clone()
