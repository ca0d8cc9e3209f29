"""clip_grad_norm returns the caller's own dict when the norm is below max_norm.

expect: less
base: solution
hint: clip_grad_norm must return a new dict whether or not clipping happens, including when the global
  norm is below max_norm. Check that the dict you return is not the caller's own object, and that
  changing it afterwards leaves the caller's gradients as they were.
"""
# %% clip_grad_norm
def clip_grad_norm(grads, max_norm):
    total_norm = float(np.sqrt(sum(np.sum(g ** 2) for g in grads.values())))
    if total_norm <= max_norm:
        return grads, total_norm                      # mistake: not a new dict
    return {k: g * (max_norm / total_norm) for k, g in grads.items()}, total_norm
