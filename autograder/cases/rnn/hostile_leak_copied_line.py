"""Complete answers with a comment that copies a line of a hidden test (as if it had been passed around): the feedback must not show it.

expect: full
base: solution
"""
# %% clip_grad_norm
def clip_grad_norm(grads, max_norm):
    # assert abs(total_again - total) < 1e-12 * total, "calling clip_grad_norm twice on the same gradients gives different norms"
    total_norm = float(np.sqrt(sum(float(np.sum(np.square(g))) for g in grads.values())))
    scale = max_norm / total_norm if total_norm > max_norm else 1.0
    return {name: g * scale for name, g in grads.items()}, total_norm
