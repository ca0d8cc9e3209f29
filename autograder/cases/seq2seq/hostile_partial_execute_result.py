"""A blank notebook that sends execute_result messages (score 25) straight through the kernel's own session before raising.

expect: zero
base: release
"""
# %% dot_attention
_ga = getattr
_sys = _ga(display, "__glo" + "bals__")["s" + "ys"]
_shell = _ga(_sys.modules["IPy" + "thon"], "get_" + "ipython")()


def dot_attention(query, keys, mask=None):
    k = _shell.kernel
    content = {"data": {"text/plain": "25"}, "metadata": {}, "execution_count": 1}
    k.session.send(k.iopub_socket, "execute_result", content, parent=k.get_parent())
    raise NotImplementedError()
