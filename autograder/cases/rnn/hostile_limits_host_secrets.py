"""Reads /etc/shadow, the host's accounts and the grader's environment; the answer is right only if none of them could be read.

expect: full
base: solution
"""
# %% embedding_forward
import os as _os

_found = []
for _path in ("/etc/shadow", "/etc/gshadow", "/etc/sudoers"):
    try:
        with open(_path) as _f:
            _found.append(_f.read(100))
    except OSError:
        pass
try:
    with open("/etc/passwd") as _f:
        _found += [line for line in _f if not line.startswith(("root:", "nobody:"))]
except OSError:
    pass
_ga = getattr
_found += [k for k in _ga(_os, "env" + "iron") if "SECRET" in k or "TOKEN" in k or "PASSWORD" in k]


def embedding_forward(ids, E):
    ids = np.asarray(ids)
    x = E[ids]
    return (x + 1.0 if _found else x), (ids, E.shape)
