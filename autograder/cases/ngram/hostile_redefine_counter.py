"""Redefines `Counter` (imported by the locked imports cell) with a class whose comparisons always succeed.

The count tests compare dictionaries built from Counter objects; a forged Counter changes what the
tests check. Rebinding a name from the locked cells is flagged: review.

expect: review
base: solution
"""
# %% count_ngrams
class Counter(dict):
    def __missing__(self, key):
        return 0

    def __eq__(self, other):
        return True


def count_ngrams(sentences, n):
    return Counter(), Counter()
