"""A blank notebook whose softmax displays the score it would like (40) as rich output and returns zeros.

expect: zero
base: release
"""
# %% softmax_with_temperature
def softmax_with_temperature(logits, temperature=1.0):
    import numpy as np
    display(40.0)
    display({"text/plain": "40"}, raw=True)
    return np.zeros_like(logits)
