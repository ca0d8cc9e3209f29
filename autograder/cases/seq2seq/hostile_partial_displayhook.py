"""A blank notebook whose functions push the number 2 through the interpreter's display hook (what nbgrader reads as a partial-credit score) before failing.

expect: zero
base: release
"""
# %% dot_attention
_ga = getattr
_sys = _ga(display, "__glo" + "bals__")["s" + "ys"]


def dot_attention(query, keys, mask=None):
    _ga(_sys, "display" + "hook")(2)
    raise NotImplementedError()
# %% greedy_decode
def greedy_decode(model, src, src_lengths, max_len, bos_id, eos_id):
    _ga(_sys, "display" + "hook")(2.0)
    raise NotImplementedError()
