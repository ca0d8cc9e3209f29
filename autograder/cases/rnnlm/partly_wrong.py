"""evaluate starts every window from a fresh state instead of carrying it, and generate drops the prime; the rest is right.

Every window then loses its context, so the NLL is that of a model that keeps forgetting; a
uniform model cannot tell the difference, a recurrent one can. generate returns the sampled ids
without the prime.

expect: less
base: solution
hint: Look again at two functions: evaluate should carry the state from one window to the next (starting
  from None), so that each window sees the context before it; and generate returns the prime ids followed
  by the sampled ones. Check the length of what generate returns.
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

# %% generate
def generate(model, prime_ids, length, temperature=1.0, generator=None):
    device = next(model.parameters()).device
    was_training = model.training
    model.eval()
    out = []                                                  # mistake: the prime is not included
    with torch.no_grad():
        logits, state = model(torch.tensor([list(prime_ids)], dtype=torch.long, device=device), None)
        for step in range(length):
            p = torch.softmax(logits[0, -1].double().cpu() / temperature, dim=-1)
            out.append(int(torch.multinomial(p, 1, generator=generator)))
            logits, state = model(torch.tensor([[out[-1]]], dtype=torch.long, device=device), state)
    model.train(was_training)
    return out
