"""count_parameters counts two biases per gate row, as torch.nn's modules store them: G * H * (D + H + 2).

expect: less
base: solution
hint: In count_parameters, count one bias per gate row, as this course defines b: PyTorch's modules keep two
  bias vectors, so the parameter count of a torch.nn layer is G*H higher than the one asked for here.
  Check your count against the shapes of U, W and b in the notebook's conventions.
"""
# %% count_parameters
def count_parameters(cell, input_size, hidden_size):
    gates = {"rnn": 1, "lstm": 4, "gru": 3}[cell]
    weights = gates * hidden_size * (input_size + hidden_size)
    biases = 2 * gates * hidden_size                              # mistake: bias_ih and bias_hh
    return weights + biases
