"""count_parameters forgets the bias: G * H * (D + H).

expect: less
base: solution
hint: count_parameters should count every entry of U, W and b: besides its input and recurrent weights,
  each of the G blocks has one bias per row. Check your count for a small layer against the shapes
  (G*H, D), (G*H, H) and (G*H,) in the notebook's conventions.
"""
# %% count_parameters
def count_parameters(cell, input_size, hidden_size):
    gates = {"rnn": 1, "lstm": 4, "gru": 3}[cell]
    return gates * hidden_size * (input_size + hidden_size)      # mistake: no bias
