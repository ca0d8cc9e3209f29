"""detach_state hands the state back as it is, still attached to the previous window's graph.

The second backward pass then runs into the freed graph of the first window.

expect: less
base: solution
"""
# %% detach_state
def detach_state(state):
    return state                                              # mistake: no detach
