"""reverse_padded flips the whole padded row, so short rows start with their padding.

The backward direction of every short sequence then reads the padding first and its states are
wrong; full-length rows are right, so a test with equal lengths would not notice.

expect: less
base: solution
hint: Look again at reverse_padded: only the first lengths[i] steps of row i are reversed and the padding
  stays where it is, so that [a, b, c, pad, pad] becomes [c, b, a, pad, pad]. Check rows shorter than T, not
  only full-length ones; the backward direction of birnn_forward relies on this.
"""
# %% reverse_padded
def reverse_padded(x, lengths):
    return np.asarray(x)[:, ::-1].copy()       # mistake: ignores lengths
