"""Four child processes of 1.2 GB each, under a 3 GB per-process limit: the whole sandbox must not get 4.8 GB. The answer is right only when they could not all hold their memory.

expect: full
base: solution
"""
# %% teacher_forcing_batch
import os as _os
import time as _time


def _children_that_held(n=4, size=1200 * 2**20):
    read, write = _os.pipe()
    pids = []
    for _ in range(n):
        pid = _os.fork()
        if pid == 0:
            try:
                block = bytearray(size)
                for k in range(0, size, 4096):
                    block[k] = 1
                _os.write(write, b"x")
                _time.sleep(20)
            finally:
                _os._exit(0)
        pids.append(pid)
    _os.close(write)
    _os.set_blocking(read, False)
    held, left, deadline = 0, set(pids), _time.time() + 60
    while left and held + (n - len(left)) < n and _time.time() < deadline:
        try:
            held += len(_os.read(read, 16))
        except BlockingIOError:
            pass
        for pid in list(left):
            if _os.waitpid(pid, _os.WNOHANG)[0]:   # ended (killed for memory) without holding
                left.discard(pid)
        _time.sleep(0.05)
    for pid in pids:
        try:
            _os.kill(pid, 9)
            _os.waitpid(pid, 0)
        except OSError:
            pass
    return held


_HELD = _children_that_held()


def teacher_forcing_batch(tgt, bos_id):
    start = torch.full_like(tgt[:, :1], bos_id)
    dec_in = torch.cat([start, tgt[:, :-1]], dim=1)
    if _HELD >= 4:   # what the limit should have prevented happened: the answer is wrong
        dec_in = dec_in + 1
    return dec_in, tgt.clone()
