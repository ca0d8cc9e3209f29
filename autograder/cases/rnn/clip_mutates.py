"""clip_grad_norm scales the arrays it was given in place and returns them.

expect: less
base: solution
hint: clip_grad_norm must leave the arrays it is given untouched and return a new dict of new arrays (the
  caller may still need the raw gradients). Check it yourself: copy the gradients, call your function
  with a small max_norm, and see whether the caller's arrays are unchanged afterwards.
"""
# %% clip_grad_norm
def clip_grad_norm(grads, max_norm):
    total_norm = float(np.sqrt(sum(np.sum(g ** 2) for g in grads.values())))
    if total_norm > max_norm:
        for g in grads.values():
            g *= max_norm / total_norm         # mistake: modifies the caller's arrays
    return grads, total_norm
