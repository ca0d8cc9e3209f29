"""One answer cell fails when it is run, another function raises when called; the rest is right.

The embedding_backward cell starts with a leftover debugging line at the top level that raises
NameError before the def runs, so embedding_backward is never defined; clip_grad_norm raises a
TypeError inside (it calls np.sqrt on a dict view).

expect: less
base: solution
hint: Some of your code raises an error, either when its cell runs or when its function is called. Restart
  the kernel, run the notebook from the top, and read the traceback under the first cell that fails
  (a leftover debugging line can use a name that exists only in your session); then run the visible
  tests cell by cell.
"""
# %% embedding_backward
print(dE_debug.shape)

def embedding_backward(dx, cache):
    ids, shape = cache
    dE = np.zeros(shape)
    np.add.at(dE, ids.reshape(-1), dx.reshape(-1, shape[1]))
    return dE

# %% clip_grad_norm
def clip_grad_norm(grads, max_norm):
    total_norm = np.sqrt(np.sum(grads.values()))
    scale = min(1.0, max_norm / total_norm)
    return {k: v * scale for k, v in grads.items()}, total_norm
