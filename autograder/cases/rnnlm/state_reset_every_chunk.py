"""train_epoch starts every window from a fresh state instead of carrying the detached one.

Each window then forgets what the row said before it: the model only ever learns from contexts of
at most seq_len tokens, and its loss is that of a model that keeps forgetting.

expect: less
base: solution
hint: In train_epoch, check that every window starts from the state the previous window ended in,
  detached, and only the first one from None: truncated BPTT cuts the gradient at the window's start
  but keeps the context (section 6).
"""
# %% train_epoch
def train_epoch(model, ids, optimizer, batch_size, seq_len, max_norm=1.0):
    device = next(model.parameters()).device
    model.train()
    total, count = 0.0, 0
    for x, y in make_batches(ids, batch_size, seq_len):
        x, y = x.to(device), y.to(device)
        logits, _ = model(x, None)                              # mistake: the state is not carried
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
        optimizer.step()
        total += loss.item() * y.numel()
        count += y.numel()
    return total / count
