"""A correct solution written with explicit loops: Python lists for the batches, log-softmax and
gather for the NLL, a running count of targets.

expect: full
base: solution
"""
# %% make_batches
def make_batches(ids, batch_size, seq_len):
    stream = [int(v) for v in ids]
    per_row = (len(stream) - 1) // batch_size
    start = 0
    while start < per_row:
        stop = min(start + seq_len, per_row)
        xs, ys = [], []
        for row in range(batch_size):
            base = row * per_row
            xs.append([stream[base + t] for t in range(start, stop)])
            ys.append([stream[base + t + 1] for t in range(start, stop)])
        yield torch.tensor(xs, dtype=torch.long), torch.tensor(ys, dtype=torch.long)
        start = stop

# %% detach_state
def detach_state(state):
    if isinstance(state, (tuple, list)):
        parts = []
        for part in state:
            parts.append(detach_state(part))
        return tuple(parts)
    if state is None:
        return state
    return state.detach().clone()

# %% evaluate
def evaluate(model, ids, batch_size, seq_len):
    mode = model.training
    model.train(False)
    device = None
    for p in model.parameters():
        device = p.device
        break
    nll_sum, n_targets, state = 0.0, 0, None
    for x, y in make_batches(ids, batch_size, seq_len):
        with torch.no_grad():
            logits, state = model(x.to(device), state)
            logp = torch.log_softmax(logits.double(), dim=-1)
            picked = logp.gather(2, y.to(device).unsqueeze(-1)).squeeze(-1)
        for i in range(picked.shape[0]):
            nll_sum -= float(picked[i].sum())
            n_targets += picked.shape[1]
    model.train(mode)
    return nll_sum / n_targets

# %% conversions
def perplexity(nll):
    return math.e ** nll


def bits_per_char(nll):
    return nll * math.log2(math.e)
