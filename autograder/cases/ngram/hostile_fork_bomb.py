"""Forks until the process limit stops it (its own safety cap: 200 children, each exec'ing `sleep 987653`), then defines count_ngrams.

The kernel's process limit (64) must make os.fork fail long before the cap; the cell then goes on
and defines a correct count_ngrams: full. If 200 forks succeed the limit is not enforced: the cell
raises before the def and the case gets less, a WRONG verdict. Every child must be gone after
grading (the tests scan /proc for 987653).

expect: full
base: solution
"""
# %% count_ngrams
import os
from collections import Counter

_children = 0
for _ in range(200):
    try:
        _pid = os.fork()
    except OSError:
        break
    if _pid == 0:
        try:
            os.execv("/usr/bin/sleep", ["sleep", "987653"])
        finally:
            os._exit(1)
    _children += 1
if _children >= 200:
    raise RuntimeError(f"{_children} processes started: no process limit stopped the fork bomb")


def count_ngrams(sentences, n):
    ngram_counts, context_counts = Counter(), Counter()
    for sentence in sentences:
        tokens = ["<s>"] * (n - 1) + list(sentence) + ["</s>"]
        for i in range(n - 1, len(tokens)):
            gram = tuple(tokens[i - n + 1 : i + 1])
            ngram_counts[gram] += 1
            context_counts[gram[:-1]] += 1
    return ngram_counts, context_counts
