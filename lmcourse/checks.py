"""Numerical checks shared by the notebooks and the tests."""
import numpy as np


def rel_error(a, b):
    """Relative error ``||a - b|| / (||a|| + ||b||)`` of two arrays, over all their entries at once.

    The one measure of closeness of the course: the exercises' checks, their thresholds and the
    lectures all use it. The norms are Frobenius (L2) norms of the whole arrays, so an error is
    measured on the scale of the array, and an entry much smaller than the others cannot make a
    correct result fail through rounding. What the thresholds mean: two float64 computations of the
    same quantity (say, a NumPy layer and ``torch.nn``) agree to about 1e-12 or better and are
    checked at 1e-10; a central-difference gradient agrees with an exact one to about 1e-9 and is
    checked at 1e-7 or 1e-8; a bug usually shows as 1e-3 or worse.

    Args:
        a, b: arrays of the same shape (or scalars).
    Returns:
        float in [0, 1]; 0.0 when both are zero.
    Raises:
        ValueError: when the shapes differ.
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"shapes differ: {a.shape} vs {b.shape}")
    denominator = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denominator == 0 else float(np.linalg.norm(a - b) / denominator)
