"""Writes marker files outside its working folder: the course root, the repository, the home folder and /tmp.

The answers are the reference solution, and the writes are wrapped in try/except, so the grade must
be unaffected: full. The tests check that none of the markers (`ESCAPED_hostile_write_outside`)
exists on the grader's side afterwards; inside the sandbox the writes either fail or land in a
throw-away filesystem.

expect: full
base: solution
"""
# %% build_vocab
import pathlib
from collections import Counter


def build_vocab(sentences, min_count=2):
    counts = Counter(word for sentence in sentences for word in sentence)
    return {w for w, c in counts.items() if c >= min_count and w != "<s>"} | {"</s>", "<unk>"}


_here = pathlib.Path.cwd()
for _target in [*_here.parents][:4] + [pathlib.Path("/work/main"), pathlib.Path.home(), pathlib.Path("/tmp"), pathlib.Path("/root")]:
    try:
        (_target / "ESCAPED_hostile_write_outside").write_text("written by a student's answer cell\n")
    except OSError:
        pass
