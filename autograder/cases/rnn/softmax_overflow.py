"""softmax_with_temperature exponentiates without subtracting the maximum: overflows near 1000.

expect: less
base: solution
hint: softmax_with_temperature must not overflow for logits around 1000 or for small temperatures: look
  again at the notebook's advice on what to subtract from each row of z / temperature before
  exponentiating. Check that such inputs give finite probabilities that sum to 1.
"""
# %% softmax_with_temperature
def softmax_with_temperature(logits, temperature=1.0):
    e = np.exp(np.asarray(logits) / temperature)          # mistake: no max subtraction
    return e / e.sum(axis=-1, keepdims=True)
