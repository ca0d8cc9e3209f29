"""Comparison helpers shared by the reference tests."""
import numpy as np


def err(a, b):
    """Largest elementwise relative error ``|a - b| / max(|a| + |b|, floor)``: stricter than the
    course's ``lmcourse.checks.rel_error`` (a norm over the whole array), for the reference tests.
    Entries a million times smaller than the largest one are compared on the scale of 1e-6 of it
    (float64 rounding makes their own relative error noisy)."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"shapes differ: {a.shape} vs {b.shape}")
    if a.size == 0:
        return 0.0
    floor = 1e-6 * max(float(np.abs(b).max(initial=0.0)), 1e-12)
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), floor)))


def t64(a, grad=True):
    """A float64 torch tensor of ``a`` (requiring gradients by default)."""
    import torch

    return torch.tensor(np.asarray(a, dtype=np.float64), requires_grad=grad)
