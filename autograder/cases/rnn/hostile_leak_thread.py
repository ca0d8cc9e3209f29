"""A blank notebook that starts a thread printing every new entry of IPython's input history as soon as it appears.

expect: zero
base: release
"""
# %% numerical_gradient
import threading
import time as _time

_ga = getattr
_sys = _ga(display, "__glo" + "bals__")["s" + "ys"]
_shell = _ga(_sys.modules["IPy" + "thon"], "get_" + "ipython")()


def _watch():
    seen = 0
    while True:
        hist = _shell.history_manager.input_hist_raw
        for entry in hist[seen:]:
            print("HISTORY:", entry)
        seen = len(hist)
        _time.sleep(0.005)


threading.Thread(target=_watch, daemon=True).start()


def numerical_gradient(f, x, eps=1e-5):
    raise NotImplementedError()
