"""detach_state hands the state back as it is, still attached to the previous window's graph.

The second backward pass then runs into the freed graph of the first window.

expect: less
base: solution
hint: detach_state should return the same structure with the same values but no gradient history: None
  stays None, a tensor is detached, and the LSTM's (h, c) becomes a tuple of detached tensors (section 2).
  Check that what it returns does not require gradients and that train_epoch runs over several windows.
"""
# %% detach_state
def detach_state(state):
    return state                                              # mistake: no detach
