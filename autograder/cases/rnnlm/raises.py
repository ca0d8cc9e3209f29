"""make_batches calls a tensor method on its input and raises for a list; the rest is right.

`ids.view(...)` works for a LongTensor but a Python list has no `view`, so make_batches raises
AttributeError on the list the tests pass (and so does evaluate, which walks its batches).

expect: less
base: solution
"""
# %% make_batches
def make_batches(ids, batch_size, seq_len):
    rows = (len(ids) - 1) // batch_size
    x = ids[:batch_size * rows].view(batch_size, rows)      # a list has no .view
    y = ids[1:batch_size * rows + 1].view(batch_size, rows)
    for start in range(0, rows, seq_len):
        yield x[:, start:start + seq_len], y[:, start:start + seq_len]
