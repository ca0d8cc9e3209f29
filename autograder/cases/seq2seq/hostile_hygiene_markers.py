"""Complete answers whose text holds nbgrader's own markers (hidden tests and solution regions), as a student pasting from the lecture might.

expect: full
base: solution
"""
# %% teacher_forcing_batch
def teacher_forcing_batch(tgt, bos_id):
    """Shift right.

    ### BEGIN HIDDEN TESTS
    ### BEGIN SOLUTION
    """
    # ### END HIDDEN TESTS
    # ### END SOLUTION
    start = torch.full_like(tgt[:, :1], bos_id)
    return torch.cat([start, tgt[:, :-1]], dim=1), tgt.clone()
