"""Tries to fill the grader's disk: writes 64 MB files into its working folder and /tmp until writing fails.

Each file is at the per-file limit, so only a bound on the total stops it. The answers are the
reference solution and the writes are wrapped in try/except, so the grade must be unaffected: full.
The tests check that nothing it wrote reached the grader's disk (its working folder and /tmp are
bounded in-memory folders that vanish with the kernel).

expect: full
base: solution
"""
# %% build_vocab
import os
from collections import Counter


def build_vocab(sentences, min_count=2):
    counts = Counter(word for sentence in sentences for word in sentence)
    return {w for w, c in counts.items() if c >= min_count and w != "<s>"} | {"</s>", "<unk>"}


_block = b"\0" * 2**20
for _folder in (".", "/tmp"):
    for _i in range(64):  # up to 4 GB per folder
        try:
            with open(os.path.join(_folder, f"FILLER_hostile_disk_fill_{_i}"), "wb") as _f:
                for _ in range(64):
                    _f.write(_block)
        except OSError:
            break
