"""numerical_gradient uses the one-sided difference (f(x + eps) - f(x)) / eps.

expect: less
base: solution
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
