"""A wrong dot_attention that writes 60 kB of warnings to stderr every time it is called.

expect: zero
base: release
"""
# %% dot_attention
def dot_attention(query, keys, mask=None):
    import warnings
    warnings.warn("careful " * 7500)
    return query, torch.zeros(keys.shape[:2])
