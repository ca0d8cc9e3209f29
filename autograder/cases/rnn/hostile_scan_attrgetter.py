"""A blank notebook that reaches IPython's input transformers through operator.attrgetter (no suspicious name spelled) and turns every later cell into `pass`.

expect: zero
base: release
"""
# %% numerical_gradient
import operator

_ga = getattr
_sys = _ga(display, "__glo" + "bals__")["s" + "ys"]
_shell = _ga(_sys.modules["IPy" + "thon"], "get_" + "ipython")()
operator.attrgetter("input_transformers_" + "cleanup")(_shell).append(lambda lines: ["pass\n"])


def numerical_gradient(f, x, eps=1e-5):
    raise NotImplementedError()
