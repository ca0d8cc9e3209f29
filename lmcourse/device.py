"""Device choice for the PyTorch units: CUDA when present, otherwise the CPU."""
import os


def pick_device(prefer=None):
    """Return a ``torch.device``.

    Args:
        prefer: "cpu" or "cuda" to force a choice; by default the environment variable
            ``LMCOURSE_DEVICE`` decides, and without it CUDA is used when available.
    Returns:
        torch.device
    """
    import torch

    choice = prefer or os.environ.get("LMCOURSE_DEVICE")
    if choice:
        if choice.startswith("cuda") and not torch.cuda.is_available():
            raise RuntimeError(f"device {choice!r} was requested but CUDA is not available")
        return torch.device(choice)
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def seed_everything(seed):
    """Seed Python's, NumPy's and (if it has been imported) PyTorch's random number generators.

    PyTorch is not imported here (a NumPy notebook would pay over a second for it), so a notebook
    that uses torch imports it before calling this: a torch imported later is seeded at random."""
    import random
    import sys

    import numpy as np

    random.seed(seed)
    np.random.seed(seed)
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.manual_seed(seed)
