"""A blank notebook whose dot_attention prints 40 kB in one go before failing, so the test's error comes after the output cap.

expect: zero
base: release
"""
# %% dot_attention
def dot_attention(query, keys, mask=None):
    print("debug " * 7000)
    raise NotImplementedError()
