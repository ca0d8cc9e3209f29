"""reverse_padded flips the whole padded row, so short rows start with their padding.

The backward direction of every short sequence then reads the padding first and its states are
wrong; full-length rows are right, so a test with equal lengths would not notice.

expect: less
base: solution
"""
# %% reverse_padded
def reverse_padded(x, lengths):
    return np.asarray(x)[:, ::-1].copy()       # mistake: ignores lengths
