"""Sends SIGKILL to its own kernel (os.kill(os.getpid(), 9)) from an answer cell.

The kernel dies mid-run: failed, with the reason "crashed kernel", never a missing grade.

expect: failed
base: solution
"""
# %% add_k_prob
import os

os.kill(os.getpid(), 9)


def add_k_prob(word, context, ngram_counts, context_counts, vocab_size, k=1.0):
    return (ngram_counts[tuple(context) + (word,)] + k) / (context_counts[tuple(context)] + k * vocab_size)
