"""birnn_forward puts the backward states first: [backward; forward] instead of PyTorch's [forward; backward].

expect: less
base: solution
hint: Look again at the order of the two halves in birnn_forward: as in PyTorch, the forward states come
  first (h[i, t, :H]) and the backward states second (h[i, t, H:]). Check your output on a small batch where
  the two directions have different weights.
"""
# %% birnn_forward
def birnn_forward(x, lengths, params_fwd, params_bwd, cell="rnn"):
    h_fwd = masked_forward(x, lengths, params_fwd, cell)
    h_bwd = reverse_padded(masked_forward(reverse_padded(x, lengths), lengths, params_bwd, cell), lengths)
    return np.concatenate([h_bwd, h_fwd], axis=2)        # mistake: backward half first
