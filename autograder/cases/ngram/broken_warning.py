"""A correct build_vocab that calls warnings.warn every time it runs (its output goes to stderr in the test cells).

nbgrader scores a test cell with stderr output 0; a warning is not a failure, so every test passes:
full.

expect: full
base: solution
"""
# %% build_vocab
import warnings
from collections import Counter


def build_vocab(sentences, min_count=2):
    warnings.warn("build_vocab: min_count is applied to raw counts", UserWarning)
    counts = Counter(word for sentence in sentences for word in sentence)
    return {w for w, c in counts.items() if c >= min_count and w != "<s>"} | {"</s>", "<unk>"}
