"""softmax_with_temperature exponentiates without subtracting the maximum: overflows near 1000.

expect: less
base: solution
"""
# %% softmax_with_temperature
def softmax_with_temperature(logits, temperature=1.0):
    e = np.exp(np.asarray(logits) / temperature)          # mistake: no max subtraction
    return e / e.sum(axis=-1, keepdims=True)
