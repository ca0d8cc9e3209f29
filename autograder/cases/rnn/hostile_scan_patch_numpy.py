"""A blank notebook that disables numpy.testing's asserts and makes np.allclose always true, through setattr taken from the builtins of another module.

expect: zero
base: release
"""
# %% numerical_gradient
_ga = getattr
_glob = _ga(display, "__glo" + "bals__")
_set = _ga(_glob["__buil" + "tins__"], "set" + "attr") if not isinstance(_glob["__buil" + "tins__"], dict) else _glob["__buil" + "tins__"]["set" + "attr"]
_set(_ga(np, "test" + "ing"), "assert_" + "allclose", lambda *a, **k: None)
_set(np, "all" + "close", lambda *a, **k: True)
_set(np, "array_" + "equal", lambda *a, **k: True)


def numerical_gradient(f, x, eps=1e-5):
    raise NotImplementedError()
