"""make_batches builds every batch up front and returns them in a list instead of yielding them.

The batches are right, but the docstring promises a generator: a list holds the whole stream's
windows at once, and training code written for the generator (next(batches)) fails on it.

expect: less
base: solution
hint: make_batches should be a generator (written with yield, as section 1 asks) that produces the
  windows one at a time, not a function that builds them all and returns a list. Check the type of the
  object that calling make_batches gives you.
"""
# %% make_batches
def make_batches(ids, batch_size, seq_len):
    ids = torch.as_tensor(np.asarray(ids), dtype=torch.long)
    rows = (len(ids) - 1) // batch_size
    x = ids[:batch_size * rows].view(batch_size, rows)
    y = ids[1:batch_size * rows + 1].view(batch_size, rows)
    return [(x[:, s:s + seq_len], y[:, s:s + seq_len]) for s in range(0, rows, seq_len)]   # mistake: not a generator
