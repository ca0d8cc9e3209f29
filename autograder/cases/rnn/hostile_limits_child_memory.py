"""Four child processes of 1.2 GB each, under a 3 GB per-process limit: the whole sandbox must not get 4.8 GB. The answer is right only when they could not all hold their memory.

expect: full
base: solution
"""
# %% embedding_forward
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


def embedding_forward(ids, E):
    ids = np.asarray(ids)
    x = E[ids]
    if _HELD >= 4:   # 4.8 GB were available: the limit did not hold, and the answer is wrong
        x = x + 1.0
    return x, (ids, E.shape)
