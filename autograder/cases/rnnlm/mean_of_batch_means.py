"""evaluate averages the mean loss of every batch, so the shorter last batch weighs too much.

expect: less
base: solution
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
