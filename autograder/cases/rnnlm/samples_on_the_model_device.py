"""generate draws each id with the CPU generator from probabilities left on the model's device.

expect: less
base: solution
hint: Look again at where generate draws its ids: the generator it is given lives on the CPU, and a
  torch.Generator draws only from tensors on its own device, while the model (and so its logits) may be
  on a GPU. On a CPU-only machine both are on the CPU and the mistake does not show. Check with the model
  moved to another device: does generate still draw the same ids as on the CPU?
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
            p = torch.softmax(logits[0, -1].double() / temperature, dim=-1)   # mistake: left on the model's device
            out.append(int(torch.multinomial(p, 1, generator=generator)))
            if step + 1 < length:
                logits, state = model(torch.tensor([[out[-1]]], dtype=torch.long, device=device), state)
    model.train(was_training)
    return out
