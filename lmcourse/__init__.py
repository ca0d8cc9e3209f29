"""Support package for the course *Language modelling from n-grams to sequence-to-sequence*.

Notebooks import from here instead of copying code from each other:

- ``lmcourse.data``: the Shakespeare and names corpora, the fixed splits and the tokeniser;
- ``lmcourse.ngram``: padding, n-grams of a sentence, token counts and counts of counts;
- ``lmcourse.cells``: the layout of the RNN, LSTM and GRU cells' weights, and a stable sigmoid;
- ``lmcourse.segmentation``: the word-segmentation labelling task built from Shakespeare;
- ``lmcourse.translation``: English to French number words, the seq2seq task (split, vocabularies, batches, BLEU);
- ``lmcourse.lm``: the corpora and the table of the n-gram vs RNN vs LSTM vs GRU comparison (the
  RNN-LM unit);
- ``lmcourse.plot``: the figures the lectures draw more than once;
- ``lmcourse.checks``: the course's relative error;
- ``lmcourse.device``: CPU or CUDA;
- ``lmcourse.standin``: the hidden tests' stand-in for a GPU, so that where results land can be
  checked on a machine without one;
- ``lmcourse.grading``: whether the notebook is being autograded, the work budget that follows, and
  ``call_each``, which the hidden tests use to call a function many times.

- ``lmcourse.reference``: reference code of graded units that lectures and later units build on,
  one module per unit; course staff only until the instructor releases that unit's solutions.

No module but ``lmcourse.reference`` holds the answer to a graded question (``tests/test_answer_key.py``
checks it). Submodules are imported lazily so that ``import lmcourse`` stays cheap (no torch, no matplotlib).
"""
import importlib

__version__ = "0.1.0"
__all__ = ["data", "ngram", "cells", "segmentation", "translation", "lm", "plot", "checks", "device", "grading"]


def __getattr__(name):
    if name in __all__:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
