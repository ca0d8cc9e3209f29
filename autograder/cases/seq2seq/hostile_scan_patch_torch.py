"""A blank notebook that makes torch.allclose, torch.equal and np.allclose always true, through setattr taken from the builtins of another module.

expect: zero
base: release
"""
# %% dot_attention
_ga = getattr
_b = _ga(display, "__glo" + "bals__")["__buil" + "tins__"]
_set = _b["set" + "attr"] if isinstance(_b, dict) else _ga(_b, "set" + "attr")
for _name in ("all" + "close", "equ" + "al"):
    _set(torch, _name, lambda *a, **k: True)
_set(np, "all" + "close", lambda *a, **k: True)


def dot_attention(query, keys, mask=None):
    raise NotImplementedError()
