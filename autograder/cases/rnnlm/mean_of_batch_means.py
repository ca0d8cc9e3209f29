"""evaluate averages the mean loss of every batch, so the shorter last batch weighs too much.

expect: less
base: solution
hint: In evaluate, check that the NLL is the mean over all target tokens rather than the mean of each
  window's mean loss: the last window is usually shorter, and averaging the windows weighs its tokens more
  (section 3). A stream whose length seq_len does not divide shows the difference.
"""
# %% evaluate
def evaluate(model, ids, batch_size, seq_len):
    device = next(model.parameters()).device
    was_training = model.training
    model.eval()
    losses, state = [], None
    with torch.no_grad():
        for x, y in make_batches(ids, batch_size, seq_len):
            logits, state = model(x.to(device), state)
            losses.append(F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.to(device).reshape(-1)).item())
    model.train(was_training)
    return sum(losses) / len(losses)                          # mistake: mean over batches, not tokens
