"""clip_grad_norm clips each array by its own norm instead of by the global norm.

expect: less
base: solution
hint: Look again at the global norm in clip_grad_norm: the norm is taken over all arrays together, and when
  it is too large every array is scaled by the same factor, so the direction of the update is kept.
  Check that each clipped array divided by its original gives the same ratio for every key.
"""
# %% clip_grad_norm
def clip_grad_norm(grads, max_norm):
    clipped, squares = {}, 0.0
    for name, g in grads.items():
        norm = np.linalg.norm(g)
        squares += norm ** 2
        clipped[name] = g * (max_norm / norm) if norm > max_norm else g.copy()   # mistake: per array
    return clipped, float(np.sqrt(squares))
