"""Replaces numpy.testing.assert_allclose (the comparison helper of the NumPy units) by a no-op.

The n-gram tests do not call it, but a patched testing helper is a tampering attempt whatever the
unit, and the grader must not need to know which helper a notebook uses: review.

expect: review
base: solution
"""
# %% replace_oov
import numpy as np

np.testing.assert_allclose = lambda *args, **kwargs: None


def replace_oov(sentences, vocab):
    return [[w if w in vocab else "<unk>" for w in s] for s in sentences]
