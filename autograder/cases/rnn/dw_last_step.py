"""rnn_backward keeps dW from one step only (overwritten in the loop) instead of summing over time.

expect: less
base: solution
hint: W is shared by every time step, so in rnn_backward its gradient is the sum of its gradients at each
  use, over all steps t. Compare your dW with a finite-difference gradient on a sequence of several
  steps (with a single step it would agree).
"""
# %% rnn_backward
def rnn_backward(dh, cache):
    x, h0, U, W, hs = cache
    N, T, D = x.shape
    dx = np.zeros((N, T, D))
    dU, db = 0.0, 0.0
    dh_next = np.zeros_like(h0)
    for t in reversed(range(T)):
        h_prev = h0 if t == 0 else hs[t - 1]
        step_cache = (x[:, t], h_prev, U, W, hs[t])          # what rnn_step_forward caches
        dx[:, t], dh_next, dU_t, dW_t, db_t = rnn_step_backward(dh[:, t] + dh_next, step_cache)
        dU = dU + dU_t
        dW = dW_t                      # mistake: should be dW = dW + dW_t
        db = db + db_t
    return dx, dh_next, dU, dW, db
