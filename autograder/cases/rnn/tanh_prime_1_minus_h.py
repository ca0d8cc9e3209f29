"""rnn_step_backward writes the derivative of tanh as 1 - h instead of 1 - h^2.

expect: less
base: solution
hint: Look again at the derivative of tanh in rnn_step_backward: tanh'(a) = 1 - tanh(a)^2, which you can
  write with the cached output h_t. Compare your gradients with a finite-difference gradient.
"""
# %% rnn_step_backward
def rnn_step_backward(dh_next, cache):
    x, h_prev, U, W, h_next = cache
    da = dh_next * (1.0 - h_next)        # mistake: tanh'(a) = 1 - tanh(a)^2
    dx = da @ U
    dh_prev = da @ W
    dU = da.T @ x
    dW = da.T @ h_prev
    db = da.sum(axis=0)
    return dx, dh_prev, dU, dW, db
