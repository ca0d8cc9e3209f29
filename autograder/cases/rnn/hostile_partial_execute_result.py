"""A blank notebook that sends execute_result messages (score 40) straight through the kernel's own session before raising.

expect: zero
base: release
"""
# %% numerical_gradient
_ga = getattr
_sys = _ga(display, "__glo" + "bals__")["s" + "ys"]
_shell = _ga(_sys.modules["IPy" + "thon"], "get_" + "ipython")()


def numerical_gradient(f, x, eps=1e-5):
    k = _shell.kernel
    content = {"data": {"text/plain": "40"}, "metadata": {}, "execution_count": 1}
    k.session.send(k.iopub_socket, "execute_result", content, parent=k.get_parent())
    raise NotImplementedError()
