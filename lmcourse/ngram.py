"""Counting helpers for n-gram language models: padding, n-grams of a sentence, token counts,
frequencies by rank and counts of counts (the figures of lecture 1).

The course's conventions: a sentence is a sequence of tokens (a list of ``str``; a ``str`` works
too, one token per character); an order-``n`` model pads every sentence with ``n - 1`` ``"<s>"`` on
the left and one ``"</s>"`` on the right; ``"<s>"`` is only ever context, never predicted.

The unit's graded functions (vocabulary, counts of n-grams and contexts, smoothers, perplexity)
are not here: they are the ngram exercise. Their reference code, and the fast n-gram model the
lectures use, is ``lmcourse.reference.ngram``, which students receive when the ngram unit's
solutions are released.
"""
from collections import Counter

import numpy as np

BOS, EOS, UNK = "<s>", "</s>", "<unk>"


# --------------------------------------------------------------------------------------------
# Padding and counting helpers
# --------------------------------------------------------------------------------------------
def pad(sentence, n):
    """``n - 1`` ``"<s>"``, the tokens of ``sentence``, then one ``"</s>"`` (a new list)."""
    if n < 1:
        raise ValueError(f"n must be at least 1, not {n}")
    return [BOS] * (n - 1) + list(sentence) + [EOS]


def ngrams(sentence, n):
    """The n-grams of one padded sentence, one per predicted token (every word and ``"</s>"``).

    >>> ngrams(["to", "be"], 2)
    [('<s>', 'to'), ('to', 'be'), ('be', '</s>')]
    """
    p = pad(sentence, n)
    return [tuple(p[i - n + 1 : i + 1]) for i in range(n - 1, len(p))]


def token_counts(sentences):
    """``Counter`` of the tokens of ``sentences`` (no padding)."""
    return Counter(w for s in sentences for w in s)


def rank_frequency(counts):
    """Frequencies sorted from the most to the least frequent type (for Zipf plots).

    Args:
        counts: a ``Counter``/dict of counts, or an array of counts.
    Returns:
        int64 array; entry ``r - 1`` is the frequency of the type of rank ``r``.
    """
    values = counts.values() if hasattr(counts, "values") else counts
    freq = np.fromiter((int(c) for c in values), dtype=np.int64)
    freq = freq[freq > 0]
    return np.sort(freq)[::-1]


def count_of_counts(counts, max_r=None):
    """How many types were seen exactly r times (N_r), for every r that occurs.

    Args:
        counts: a ``Counter``/dict of counts, or an array of counts.
        max_r: keep only r <= max_r (None keeps all).
    Returns:
        (r, n_r): two int64 arrays, r increasing, ``n_r[i]`` types seen ``r[i]`` times.
    """
    freq = rank_frequency(counts)
    r, n_r = np.unique(freq, return_counts=True)
    if max_r is not None:
        keep = r <= max_r
        r, n_r = r[keep], n_r[keep]
    return r.astype(np.int64), n_r.astype(np.int64)
