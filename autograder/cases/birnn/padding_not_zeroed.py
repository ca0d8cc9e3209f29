"""masked_forward runs through the padding and keeps the states it computes there instead of zeros.

The real steps are right (they never see the padding), so only the padded positions are wrong, in
masked_forward and in everything built on it.

expect: less
base: solution
hint: Look again at the padded steps in masked_forward: running through the padding is harmless for the real
  steps, but the states computed there are meaningless and must be set to zero, as pad_packed_sequence does
  in PyTorch. Check that h[i, t] is zero for every t >= lengths[i], in masked_forward and in the functions
  built on it.
"""
# %% masked_forward
def masked_forward(x, lengths, params, cell="rnn"):
    U, W, b = params
    N, T, _ = x.shape
    H = W.shape[1]
    h_t, c_t = np.zeros((N, H)), np.zeros((N, H))
    h = np.zeros((N, T, H))
    for t in range(T):
        if cell == "lstm":
            h_t, c_t = lstm_cell(x[:, t], h_t, c_t, U, W, b)
        elif cell == "gru":
            h_t = gru_cell(x[:, t], h_t, U, W, b)
        else:
            h_t = rnn_cell(x[:, t], h_t, U, W, b)
        h[:, t] = h_t
    return h                                              # mistake: padded steps not zeroed
