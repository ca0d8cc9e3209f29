"""A blank notebook whose functions push the number 2 through the interpreter's display hook (what nbgrader reads as a partial-credit score) before failing.

expect: zero
base: release
"""
# %% rnn_step_forward
_ga = getattr
_sys = _ga(display, "__glo" + "bals__")["s" + "ys"]


def rnn_step_forward(x, h_prev, U, W, b):
    _ga(_sys, "display" + "hook")(2)
    raise NotImplementedError()
# %% rnn_forward
def rnn_forward(x, h0, U, W, b):
    _ga(_sys, "display" + "hook")(2.0)
    raise NotImplementedError()
