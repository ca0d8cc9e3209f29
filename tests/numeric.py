"""Comparison helpers shared by the reference tests."""
import numpy as np

from lmcourse.checks import rel_error


def err(a, b):
    """Elementwise relative error; entries a million times smaller than the largest one are
    compared on the scale of 1e-6 of it (float64 rounding makes their own relative error noisy)."""
    b = np.asarray(b, dtype=np.float64)
    return rel_error(a, b, floor=1e-6 * max(float(np.abs(b).max(initial=0.0)), 1e-12))


def t64(a, grad=True):
    """A float64 torch tensor of ``a`` (requiring gradients by default)."""
    import torch

    return torch.tensor(np.asarray(a, dtype=np.float64), requires_grad=grad)
