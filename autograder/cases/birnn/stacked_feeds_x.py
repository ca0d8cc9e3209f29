"""stacked_forward feeds the input x to every layer instead of the states of the layer below.

Where the input size equals the layer's input size (D = H, or D = 2H when bidirectional) this runs
without an error and returns the states of the top layer's weights applied to x.

expect: less
base: solution
hint: In stacked_forward, layer 0 reads x, but every layer above it reads the states of the layer below (H
  inputs, or 2H when bidirectional), not x again. Check a two-layer stack against two calls of your
  one-layer function made by hand, the second on the output of the first.
"""
# %% stacked_forward
def stacked_forward(x, lengths, layers, cell="rnn", bidirectional=False):
    h = x
    for layer in layers:
        if bidirectional:
            params_fwd, params_bwd = layer
            h = birnn_forward(x, lengths, params_fwd, params_bwd, cell)     # mistake: x, not h
        else:
            h = masked_forward(x, lengths, layer, cell)                     # mistake: x, not h
    return h
