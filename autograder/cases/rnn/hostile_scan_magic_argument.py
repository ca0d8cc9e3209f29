"""A blank notebook hiding an input transformer inside the argument of an allowed magic (%time), which an old scan never parsed.

expect: review
withheld: zero
base: release
"""
# %% numerical_gradient
%time exec("get_ipython().input_transformers_cleanup.append(lambda lines: ['pass\\n'])")


def numerical_gradient(f, x, eps=1e-5):
    raise NotImplementedError()
