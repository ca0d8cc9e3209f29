"""lstm_step_backward handed in as torch's backward() on the inputs the forward step cached.

The unit is about writing the LSTM's backward pass by hand; its visible checks compare with
torch.nn in the test cells, which the grader runs on its side, so none of the cells the kernel runs
imports torch and the grading kernel has none (autograder.sandbox.FRAMEWORKS): the import fails when
the tests call the function, and the step backward's tests score nothing.

expect: less
base: solution
hint: Write lstm_step_backward by hand in NumPy: as the notebook's introduction says, PyTorch is not
  available to your answers when they are marked, so code that imports torch scores nothing there. Work
  through the four steps of the backward section and check your gradients with check_gradients.
"""
# %% lstm_step_forward
def lstm_step_forward(x, h_prev, c_prev, U, W, b):
    H = h_prev.shape[1]
    a = x @ U.T + h_prev @ W.T + b
    i, f, o = (1 / (1 + np.exp(-a[:, k * H:(k + 1) * H])) for k in (0, 1, 3))
    c_next = f * c_prev + i * np.tanh(a[:, 2 * H:3 * H])
    h_next = o * np.tanh(c_next)
    return h_next, c_next, (x, h_prev, c_prev, U, W, b)


# %% lstm_step_backward
def lstm_step_backward(dh_next, dc_next, cache):
    import torch

    leaves = [torch.tensor(a, requires_grad=True) for a in cache]
    x, h_prev, c_prev, U, W, b = leaves
    H = h_prev.shape[1]
    i, f, g, o = (x @ U.T + h_prev @ W.T + b).split(H, dim=1)
    c_next = torch.sigmoid(f) * c_prev + torch.sigmoid(i) * torch.tanh(g)
    h_next = torch.sigmoid(o) * torch.tanh(c_next)
    (h_next * torch.tensor(dh_next) + c_next * torch.tensor(dc_next)).sum().backward()
    return tuple(leaf.grad.numpy() for leaf in leaves)
