"""A blank notebook hiding an input transformer inside the argument of an allowed magic (%time), which an old scan never parsed.

expect: review
withheld: zero
base: release
"""
# %% dot_attention
%time exec("get_ipython().input_transformers_cleanup.append(lambda lines: ['pass\\n'])")


def dot_attention(query, keys, mask=None):
    raise NotImplementedError()
