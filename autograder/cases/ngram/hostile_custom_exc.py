"""Registers a custom exception handler that swallows AssertionError, with wrong answers.

With `set_custom_exc` a failing assert prints nothing and the cell shows no error, so nbgrader would
count the test as passed. The scan flags get_ipython / set_custom_exc: review.

expect: review
base: solution
"""
# %% build_vocab
def _quiet(shell, etype, evalue, tb, tb_offset=None):
    return None


get_ipython().set_custom_exc((AssertionError,), _quiet)


def build_vocab(sentences, min_count=2):
    return set()
