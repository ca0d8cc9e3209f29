"""evaluate runs the model in training mode, so dropout stays on while the NLL is measured.

expect: less
base: solution
hint: evaluate must measure the NLL in evaluation mode, so that dropout is off, and put the model back in
  its previous mode before returning (section 3). Check that two calls of evaluate on a model with dropout
  give exactly the same number.
"""
# %% evaluate
def evaluate(model, ids, batch_size, seq_len):
    device = next(model.parameters()).device
    total, count, state = 0.0, 0, None
    with torch.no_grad():                                       # mistake: no model.eval()
        for x, y in make_batches(ids, batch_size, seq_len):
            logits, state = model(x.to(device), state)
            total += F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.to(device).reshape(-1),
                                     reduction="sum").item()
            count += y.numel()
    return total / count
