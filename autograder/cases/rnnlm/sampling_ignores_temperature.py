"""generate samples from softmax(logits) whatever the temperature.

expect: less
base: solution
hint: In generate, check that the temperature changes the distribution you sample from: the next id is
  drawn from the softmax of the logits divided by the temperature (section 7). With a seeded generator, a
  very low temperature should almost always give the most likely token.
"""
# %% generate
def generate(model, prime_ids, length, temperature=1.0, generator=None):
    device = next(model.parameters()).device
    was_training = model.training
    model.eval()
    out = [int(i) for i in prime_ids]
    with torch.no_grad():
        logits, state = model(torch.tensor([out], dtype=torch.long, device=device), None)
        for step in range(length):
            p = torch.softmax(logits[0, -1].double().cpu(), dim=-1)      # mistake: no / temperature
            out.append(int(torch.multinomial(p, 1, generator=generator)))
            if step + 1 < length:
                logits, state = model(torch.tensor([[out[-1]]], dtype=torch.long, device=device), state)
    model.train(was_training)
    return out
