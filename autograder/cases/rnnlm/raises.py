"""make_batches calls a tensor method on its input and raises for a list; the rest is right.

`ids.view(...)` works for a LongTensor but a Python list has no `view`, so make_batches raises
AttributeError on the list the tests pass (and so do evaluate and train_epoch, which walk its batches).
generate adds a list to its prime and raises TypeError for a tuple prime (a hidden test passes one).

expect: less
base: solution
hint: One of your functions raises an exception when it is called. Run the notebook cell by cell and read
  the traceback of the first test cell that fails; then check that your functions accept every kind of
  input their docstrings allow (a stream as a list, a NumPy array or a LongTensor; a prime as any sequence).
"""
# %% make_batches
def make_batches(ids, batch_size, seq_len):
    rows = (len(ids) - 1) // batch_size
    x = ids[:batch_size * rows].view(batch_size, rows)      # a list has no .view
    y = ids[1:batch_size * rows + 1].view(batch_size, rows)
    for start in range(0, rows, seq_len):
        yield x[:, start:start + seq_len], y[:, start:start + seq_len]

# %% generate
def generate(model, prime_ids, length, temperature=1.0, generator=None):
    device = next(model.parameters()).device
    was_training = model.training
    model.eval()
    out = prime_ids + []                                      # a tuple prime: TypeError
    with torch.no_grad():
        logits, state = model(torch.tensor([out], dtype=torch.long, device=device), None)
        for step in range(length):
            p = torch.softmax(logits[0, -1].double().cpu() / temperature, dim=-1)
            out.append(int(torch.multinomial(p, 1, generator=generator)))
            if step + 1 < length:
                logits, state = model(torch.tensor([[out[-1]]], dtype=torch.long, device=device), state)
    model.train(was_training)
    return out
