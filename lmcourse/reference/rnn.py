"""Reference code of the ``rnn`` unit that later units build on: the numerical gradient of the
gradient checks and the forward step of the RNN cell (layout: ``lmcourse.cells``).

Course staff only until the rnn unit's solutions are released (``course-grade release-solutions
rnn``): the student edition holds this module from then on, never before.
"""
import numpy as np


def numerical_gradient(f, x, eps=1e-5):
    """Numerical gradient of the scalar function ``f`` at array ``x`` by central differences.

    ``x`` is modified in place during the computation and restored exactly afterwards.

    Args:
        f: callable taking ``x`` and returning a scalar.
        x: float64 array.
        eps: step size.
    Returns:
        array shaped like ``x``.
    """
    grad = np.zeros_like(x, dtype=np.float64)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    for _ in it:
        i = it.multi_index
        old = x[i]
        x[i] = old + eps
        plus = float(f(x))
        x[i] = old - eps
        minus = float(f(x))
        x[i] = old
        grad[i] = (plus - minus) / (2 * eps)
    return grad


def rnn_cell(x, h, U, W, b):
    """One step of an Elman RNN: ``h' = tanh(x U^T + h W^T + b)``.

    Args:
        x: inputs, shape (N, D).
        h: previous hidden state, shape (N, H).
        U: (H, D); W: (H, H); b: (H,).
    Returns:
        the next hidden state, shape (N, H).
    """
    return np.tanh(x @ U.T + h @ W.T + b)
