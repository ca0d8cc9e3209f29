"""A careful student who keeps one answer in a module of their own, handed in with the notebook and imported by the answer cell.

expect: full
base: solution
"""
# %% softmax_with_temperature
from my_softmax import softmax_with_temperature
# %% file:my_softmax.py
import numpy as np


def softmax_with_temperature(logits, temperature=1.0):
    z = np.asarray(logits, dtype=np.float64) / temperature
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)
