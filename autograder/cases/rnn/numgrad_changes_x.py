"""numerical_gradient restores x by arithmetic (+eps, -2 eps, +eps), which changes its last bits.

expect: less
base: solution
hint: numerical_gradient must leave x exactly as it was, bit for bit, because in floating point
  x[i] + eps - eps is not always x[i]; re-read the notebook's advice on how to put each element back.
  Check with a copy of x taken before the call that every element is identical afterwards.
"""
# %% numerical_gradient
def numerical_gradient(f, x, eps=1e-5):
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    while not it.finished:
        i = it.multi_index
        x[i] += eps
        f_plus = f(x)
        x[i] -= 2 * eps
        f_minus = f(x)
        x[i] += eps                               # mistake: not always the original value
        grad[i] = (f_plus - f_minus) / (2 * eps)
        it.iternext()
    return grad
