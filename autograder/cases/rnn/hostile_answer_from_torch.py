"""rnn_step_backward handed in as torch's backward(), which the student's own environment has.

The unit is about writing the backward pass by hand in NumPy, and none of its kernel-side cells
imports torch, so the grading kernel has no torch (autograder.sandbox.FRAMEWORKS): the import fails
when the tests call the function, and the step backward's tests score nothing.

expect: less
base: solution
"""
# %% rnn_step_forward
def rnn_step_forward(x, h_prev, U, W, b):
    h_next = np.tanh(x @ U.T + h_prev @ W.T + b)
    return h_next, (x, h_prev, U, W, b)


# %% rnn_step_backward
def rnn_step_backward(dh_next, cache):
    import torch

    leaves = [torch.tensor(a, requires_grad=True) for a in cache]
    x, h_prev, U, W, b = leaves
    torch.tanh(x @ U.T + h_prev @ W.T + b).backward(torch.tensor(dh_next))
    return tuple(leaf.grad.numpy() for leaf in leaves)
