"""A realistic partial submission: most of it right, two functions wrong.

masked_forward starts the LSTM's cell state from zero at every step instead of carrying it (the
RNN and GRU are right); birnn_forward forgets to put the backward states back in time order.

expect: less
base: solution
hint: Look again at two functions. For the LSTM, masked_forward must carry both h and the cell state c from
  one step to the next (the RNN and the GRU carry only h); and birnn_forward must put the backward
  direction's states back in time order, so that the backward state at step t sits at position t and has
  read steps lengths[i]-1 down to t.
"""
# %% masked_forward
def masked_forward(x, lengths, params, cell="rnn"):
    U, W, b = params
    N, T, _ = x.shape
    H = W.shape[1]
    h_t = np.zeros((N, H))
    h = np.zeros((N, T, H))
    for t in range(T):
        if cell == "lstm":
            h_t, _ = lstm_cell(x[:, t], h_t, np.zeros((N, H)), U, W, b)    # mistake: c is not carried
        elif cell == "gru":
            h_t = gru_cell(x[:, t], h_t, U, W, b)
        else:
            h_t = rnn_cell(x[:, t], h_t, U, W, b)
        h[:, t] = h_t
    mask = np.arange(T)[None, :] < np.asarray(lengths)[:, None]
    return h * mask[:, :, None]

# %% birnn_forward
def birnn_forward(x, lengths, params_fwd, params_bwd, cell="rnn"):
    h_fwd = masked_forward(x, lengths, params_fwd, cell)
    h_bwd = masked_forward(reverse_padded(x, lengths), lengths, params_bwd, cell)
    return np.concatenate([h_fwd, h_bwd], axis=2)         # mistake: h_bwd is still in reversed order
