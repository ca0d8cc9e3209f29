"""Redefines the locked test data TOY_BIGRAMS in an answer cell so that a wrong mle_prob matches it.

The tests compute their expectations from TOY_BIGRAMS; changing it changes what the tests check.
Binding a name that a locked cell defines is flagged: review.

expect: review
base: solution
"""
# %% mle_prob
from collections import Counter

TOY_BIGRAMS = (Counter({("a", "b"): 2, ("a", "c"): 1}), Counter({("a",): 0}))


def mle_prob(word, context, ngram_counts, context_counts):
    return ngram_counts[tuple(context) + (word,)] / 3
