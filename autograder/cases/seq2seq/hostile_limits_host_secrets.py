"""Reads /etc/shadow, the host's accounts and the grader's environment; the answer is right only if none of them could be read.

expect: full
base: solution
"""
# %% teacher_forcing_batch
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


def teacher_forcing_batch(tgt, bos_id):
    start = torch.full_like(tgt[:, :1], bos_id)
    dec_in = torch.cat([start, tgt[:, :-1]], dim=1)
    if _found:   # what the limit should have prevented happened: the answer is wrong
        dec_in = dec_in + 1
    return dec_in, tgt.clone()
