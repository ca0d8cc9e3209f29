"""One answer cell fails when it is run, another function raises when called; the rest is right.

The lstm_backward cell starts with a leftover debugging line at the top level that raises NameError
before the def runs, so lstm_backward is never defined; gru_step_forward raises a ValueError inside
(it forgets to transpose U, so the shapes do not match).

expect: less
base: solution
hint: One of your answer cells fails when it is run, or one of your functions raises an exception when it
  is called. Restart the kernel and run the notebook from the top, cell by cell, and read the traceback of
  the first cell that fails: it names the error and the line (an undefined name, mismatched shapes...).
"""
# %% lstm_backward
print(das.shape)

def lstm_backward(dh, cache):
    x, h0, U, W, acts, cs, tanh_cs, hs = cache
    return None

# %% gru_step_forward
def gru_step_forward(x, h_prev, U, W, b):
    H = h_prev.shape[1]
    xu = x @ U + b                            # U is (3H, D): this needs U.T
    rz = sigmoid(xu[:, :2 * H] + h_prev @ W[:2 * H].T)
    r, z = rz[:, :H], rz[:, H:]
    n = np.tanh(xu[:, 2 * H:] + (r * h_prev) @ W[2 * H:].T)
    h_next = (1 - z) * h_prev + z * n
    return h_next, (x, h_prev, U, W, rz, n, r * h_prev)
