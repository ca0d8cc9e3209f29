"""Starts a detached child process (`sleep 987654` in its own session) that would outlive the kernel.

The answers are the reference solution: full. The kernel runs in its own PID namespace, so the
child must be gone when grading ends; the tests scan /proc for a command line with 987654.

expect: full
base: solution
"""
# %% count_ngrams
import subprocess
from collections import Counter


def count_ngrams(sentences, n):
    ngram_counts, context_counts = Counter(), Counter()
    for sentence in sentences:
        tokens = ["<s>"] * (n - 1) + list(sentence) + ["</s>"]
        for i in range(n - 1, len(tokens)):
            gram = tuple(tokens[i - n + 1 : i + 1])
            ngram_counts[gram] += 1
            context_counts[gram[:-1]] += 1
    return ngram_counts, context_counts


_child = subprocess.Popen(["sleep", "987654"], start_new_session=True,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
