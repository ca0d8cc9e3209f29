"""Calls os._exit(0) in an answer cell (a leftover "quit early" line), which ends the kernel process.

The notebook cannot be graded: failed, with the reason "crashed kernel".

expect: failed
base: solution
"""
# %% replace_oov
import os


def replace_oov(sentences, vocab):
    return [[w if w in vocab else "<unk>" for w in s] for s in sentences]


os._exit(0)
