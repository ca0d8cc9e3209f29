"""Detects the autograder through os.environ["LMCOURSE_AUTOGRADING"] and behaves differently when graded.

Code that checks whether it is being graded has no honest purpose in an answer; whatever it does
differently, a human must look (review). The scan flags `environ` and the variable's name.

expect: review
base: solution
"""
# %% replace_oov
import os

_GRADED = bool(os.environ.get("LMCOURSE_AUTOGRADING"))


def replace_oov(sentences, vocab):
    if _GRADED:
        return [[w if w in vocab else "<unk>" for w in s] for s in sentences]
    return sentences
