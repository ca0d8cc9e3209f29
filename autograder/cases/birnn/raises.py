"""One answer cell fails when it is run, another function raises when called; the rest is right.

The reverse_padded cell starts with a leftover debugging line at the top level that raises
NameError before the def runs, so reverse_padded is never defined (and birnn_forward, which calls
it, fails too); mean_pool raises a ValueError inside (it compares arange(T) with lengths without a
new axis, so the shapes do not broadcast).

expect: less
base: solution
hint: Part of your notebook raises an exception: a cell that stops with an error leaves its function
  undefined, and everything that uses that function fails too. Restart the kernel, run all cells from the
  top and read the first traceback (its last line names the error, the lines above show where it happened;
  for a shape error, print the shapes involved); then run each visible test cell in turn and check that none
  of them shows an error.
"""
# %% reverse_padded
print(x_rev[:, :3])

def reverse_padded(x, lengths):
    idx = np.where(np.arange(x.shape[1])[None, :] < lengths[:, None],
                   lengths[:, None] - 1 - np.arange(x.shape[1])[None, :], np.arange(x.shape[1])[None, :])
    return np.take_along_axis(x, idx.reshape(idx.shape + (1,) * (x.ndim - 2)), axis=1)

# %% mean_pool
def mean_pool(h, lengths):
    mask = np.arange(h.shape[1]) < lengths                 # (T,) against (N,): does not broadcast
    return (h * mask[:, :, None]).sum(axis=1) / lengths[:, None]
