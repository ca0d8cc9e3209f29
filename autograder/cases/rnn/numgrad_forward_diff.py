"""numerical_gradient uses the one-sided difference (f(x + eps) - f(x)) / eps.

expect: less
base: solution
hint: Look again at which difference numerical_gradient computes: the notebook asks for the central
  difference, whose error is of order eps squared, while a one-sided difference has an error of order
  eps, too coarse to tell a small bug from rounding. Try a function whose gradient you know, like a cubic.
"""
# %% numerical_gradient
def numerical_gradient(f, x, eps=1e-5):
    grad = np.zeros(x.shape)
    f_x = float(f(x))
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        grad[i] = (float(f(x)) - f_x) / eps       # mistake: error of order eps
        x[i] = old
    return grad
