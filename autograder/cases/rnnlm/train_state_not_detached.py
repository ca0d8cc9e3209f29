"""train_epoch carries the state without detaching it (detach_state itself is right).

The second window's backward pass runs into the first window's graph, which was freed.

expect: less
base: solution
hint: In train_epoch, check that the state carried into each window is detached first (with your
  detach_state): otherwise the backward pass of the second window runs back into the first window's
  graph, which PyTorch has already freed. Try train_epoch on a stream long enough for several windows.
"""
# %% train_epoch
def train_epoch(model, ids, optimizer, batch_size, seq_len, max_norm=1.0):
    device = next(model.parameters()).device
    model.train()
    total, count, state = 0.0, 0, None
    for x, y in make_batches(ids, batch_size, seq_len):
        x, y = x.to(device), y.to(device)
        logits, state = model(x, state)                         # mistake: no detach_state
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
        optimizer.step()
        total += loss.item() * y.numel()
        count += y.numel()
    return total / count
