"""clip_grad_norm scales the arrays it was given in place and returns them.

expect: less
base: solution
"""
# %% clip_grad_norm
def clip_grad_norm(grads, max_norm):
    total_norm = float(np.sqrt(sum(np.sum(g ** 2) for g in grads.values())))
    if total_norm > max_norm:
        for g in grads.values():
            g *= max_norm / total_norm         # mistake: modifies the caller's arrays
    return grads, total_norm
