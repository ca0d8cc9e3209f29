"""Numerical checks shared by the notebooks and the tests."""
import numpy as np


def rel_error(a, b, floor=1e-12):
    """Largest elementwise relative error ``|a - b| / max(|a| + |b|, floor)``.

    Args:
        a, b: arrays of the same shape (or scalars).
        floor: keeps the ratio finite where both values are (near) zero.
    Returns:
        float
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"shapes differ: {a.shape} vs {b.shape}")
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), floor)))


def central_difference(f, x, eps=1e-5):
    """Numerical gradient of the scalar function ``f`` at array ``x`` by central differences.

    The course's own reference for gradient checks; ``x`` is modified in place during the
    computation and restored exactly afterwards.

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
