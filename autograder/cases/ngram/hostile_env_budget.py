"""Detects the autograder through the notebook's own `grading.budget(...)` helper instead of naming the variable.

`grading` (lmcourse.grading) is imported by the locked imports cell; `grading.budget(False, True)`
is True exactly when autograding. It is the same trick as hostile_env_detect under another name:
review.

expect: review
base: solution
"""
# %% replace_oov
_GRADED = grading.budget(False, True)


def replace_oov(sentences, vocab):
    if _GRADED:
        return [[w if w in vocab else "<unk>" for w in s] for s in sentences]
    return sentences
