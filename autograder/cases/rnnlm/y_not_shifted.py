"""make_batches returns the inputs as targets: y is x, not x shifted by one token.

The model is then trained to copy its input, and evaluated on it.

expect: less
base: solution
"""
# %% make_batches
def make_batches(ids, batch_size, seq_len):
    ids = torch.as_tensor(np.asarray(ids), dtype=torch.long)
    rows = (len(ids) - 1) // batch_size
    x = ids[:batch_size * rows].view(batch_size, rows)
    for start in range(0, rows, seq_len):
        window = x[:, start:start + seq_len]
        yield window, window.clone()                          # mistake: should be the next tokens
