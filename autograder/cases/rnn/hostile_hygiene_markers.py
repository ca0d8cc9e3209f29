"""Complete answers whose text holds nbgrader's own markers (hidden tests and solution regions), as a student pasting from the lecture might.

expect: full
base: solution
"""
# %% embedding_forward
def embedding_forward(ids, E):
    """Look up every id.

    ### BEGIN HIDDEN TESTS
    ### BEGIN SOLUTION
    """
    # ### END HIDDEN TESTS
    # ### END SOLUTION
    ids = np.asarray(ids)
    return E[ids], (ids, E.shape)
