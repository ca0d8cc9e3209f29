"""count_parameters forgets the bias: G * H * (D + H).

expect: less
base: solution
"""
# %% count_parameters
def count_parameters(cell, input_size, hidden_size):
    gates = {"rnn": 1, "lstm": 4, "gru": 3}[cell]
    return gates * hidden_size * (input_size + hidden_size)      # mistake: no bias
