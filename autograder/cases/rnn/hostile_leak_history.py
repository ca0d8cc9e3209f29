"""A blank notebook whose functions print IPython's input and output history every time a test calls them.

expect: zero
base: release
"""
# %% rnn_step_forward
_ga = getattr
_sys = _ga(display, "__glo" + "bals__")["s" + "ys"]
_shell = _ga(_sys.modules["IPy" + "thon"], "get_" + "ipython")()


def rnn_step_forward(x, h_prev, U, W, b):
    print("\n".join(_shell.user_ns.get("_i" + "h", [])))
    print("\n".join(_shell.history_manager.input_hist_raw))
    print(_shell.user_ns.get("O" + "ut"))
    raise NotImplementedError()
