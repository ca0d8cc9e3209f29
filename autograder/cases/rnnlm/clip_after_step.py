"""train_epoch clips the gradient after the optimiser step, when it no longer matters.

expect: less
base: solution
hint: In train_epoch, look again at when you clip the gradient: clipping only has an effect between
  computing the gradient and taking the optimiser step, since the step uses the gradient as it is at
  that moment (section 6).
"""
# %% train_epoch
def train_epoch(model, ids, optimizer, batch_size, seq_len, max_norm=1.0):
    device = next(model.parameters()).device
    model.train()
    total, count, state = 0.0, 0, None
    for x, y in make_batches(ids, batch_size, seq_len):
        x, y = x.to(device), y.to(device)
        logits, state = model(x, detach_state(state))
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)   # mistake: too late
        total += loss.item() * y.numel()
        count += y.numel()
    return total / count
