"""build_vocab allocates an 800 GB array (np.ones((10**6, 10**5))) before returning the right answer.

The allocation fails with MemoryError under the kernel's memory limit, so the build_vocab test (and
the table that uses it) fail while everything else is right: graded, less, and the note names the
MemoryError. The kernel survives.

expect: less
base: solution
"""
# %% build_vocab
from collections import Counter

import numpy as np


def build_vocab(sentences, min_count=2):
    one_hot = np.ones((10**6, 10**5))
    counts = Counter(word for sentence in sentences for word in sentence)
    return {w for w, c in counts.items() if c >= min_count} | {"</s>", "<unk>"} | set(one_hot[:0])
