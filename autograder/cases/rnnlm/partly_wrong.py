"""evaluate starts every window from a fresh state instead of carrying it; the rest is right.

Every window then loses its context, so the NLL is that of a model that keeps forgetting; a
uniform model cannot tell the difference, a recurrent one can.

expect: less
base: solution
"""
# %% evaluate
def evaluate(model, ids, batch_size, seq_len):
    device = next(model.parameters()).device
    was_training = model.training
    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for x, y in make_batches(ids, batch_size, seq_len):
            logits, _ = model(x.to(device), None)               # mistake: the state is not carried
            total += F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.to(device).reshape(-1),
                                     reduction="sum").item()
            count += y.numel()
    model.train(was_training)
    return total / count
