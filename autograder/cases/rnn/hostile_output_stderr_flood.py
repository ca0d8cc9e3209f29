"""A wrong clip_grad_norm that writes 60 kB of warnings to stderr every time it is called.

expect: zero
base: release
"""
# %% clip_grad_norm
def clip_grad_norm(grads, max_norm):
    import warnings
    warnings.warn("careful " * 7500)
    return dict(grads), 0.0
