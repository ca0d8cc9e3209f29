"""A wrong softmax that prints 20,000 short lines (many small messages) before returning zeros.

expect: zero
base: release
"""
# %% softmax_with_temperature
def softmax_with_temperature(logits, temperature=1.0):
    import numpy as np
    for i in range(20_000):
        print(f"step {i}")
    return np.zeros_like(logits)
