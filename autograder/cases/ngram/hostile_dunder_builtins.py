"""Replaces AssertionError in the interpreter's namespace through `__builtins__`, with wrong answers.

`__builtins__.AssertionError = ...` does not change what `assert` raises, but it is an attempt to
tamper with the interpreter, written without importing anything: any use of `__builtins__` in an
answer needs a human look (review).

expect: review
base: solution
"""
# %% mle_prob
class _Quiet(Exception):
    pass


__builtins__.AssertionError = _Quiet


def mle_prob(word, context, ngram_counts, context_counts):
    return 1.0
