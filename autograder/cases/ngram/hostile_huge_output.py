"""Prints one 50 MB line (no newline inside) from an answer cell; the answers are the reference solution.

nbgrader's LimitOutput counts lines, so the whole line used to land in the feedback HTML. The
output is capped in bytes: graded full, and the feedback file stays far below 1 MB.

expect: full
base: solution
"""
# %% replace_oov
def replace_oov(sentences, vocab):
    return [[w if w in vocab else "<unk>" for w in s] for s in sentences]


print("x" * 50_000_000)
