"""make_batches returns the inputs as targets: y is x, not x shifted by one token.

The model is then trained to copy its input, and evaluated on it.

expect: less
base: solution
hint: In make_batches, look again at the targets: y holds the token after each input, one position later
  in the stream than x. Check your output on the worked example of section 1 (the stream 0, 1, ..., 12
  with B = 2 and seq_len = 4).
"""
# %% make_batches
def make_batches(ids, batch_size, seq_len):
    ids = torch.as_tensor(np.asarray(ids), dtype=torch.long)
    rows = (len(ids) - 1) // batch_size
    x = ids[:batch_size * rows].view(batch_size, rows)
    for start in range(0, rows, seq_len):
        window = x[:, start:start + seq_len]
        yield window, window.clone()                          # mistake: should be the next tokens
