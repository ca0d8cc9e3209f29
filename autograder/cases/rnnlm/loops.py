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

# %% rnnlm_model
class RNNLM(torch.nn.Module):
    def __init__(self, vocab_size, cell="lstm", emb_size=64, hidden_size=256, num_layers=1, dropout=0.0,
                 tie_weights=False):
        super().__init__()
        cells = {"rnn": torch.nn.RNNCell, "lstm": torch.nn.LSTMCell, "gru": torch.nn.GRUCell}
        if cell not in cells:
            raise ValueError("unknown cell " + str(cell))
        if tie_weights and emb_size != hidden_size:
            raise ValueError("tying needs emb_size == hidden_size")
        self.kind, self.H, self.p, self.tied = cell, hidden_size, dropout, tie_weights
        self.table = torch.nn.Parameter(torch.randn(vocab_size, emb_size))
        self.out_bias = torch.nn.Parameter(torch.zeros(vocab_size))    # registered before the cells
        self.layers = torch.nn.ModuleList()
        for l in range(num_layers):
            self.layers.append(cells[cell](emb_size if l == 0 else hidden_size, hidden_size))
        if not tie_weights:
            self.out_weight = torch.nn.Parameter(torch.randn(vocab_size, hidden_size) * 0.1)

    def forward(self, x, state=None):
        N, T = x.shape
        L = len(self.layers)
        inp = F.dropout(self.table[x], self.p, self.training)
        if state is None:
            zeros = torch.zeros(L, N, self.H, device=x.device)
            state = (zeros, zeros.clone()) if self.kind == "lstm" else zeros
        hs = [state[0][l] if self.kind == "lstm" else state[l] for l in range(L)]
        cs = [state[1][l] for l in range(L)] if self.kind == "lstm" else None
        outputs = []
        for t in range(T):
            v = inp[:, t]
            for l, layer in enumerate(self.layers):
                if l > 0:
                    v = F.dropout(v, self.p, self.training)
                if self.kind == "lstm":
                    hs[l], cs[l] = layer(v, (hs[l], cs[l]))
                else:
                    hs[l] = layer(v, hs[l])
                v = hs[l]
            outputs.append(v)
        top = F.dropout(torch.stack(outputs, dim=1), self.p, self.training)
        weight = self.table if self.tied else self.out_weight
        logits = top @ weight.t() + self.out_bias
        h = torch.stack(hs)
        return logits, ((h, torch.stack(cs)) if self.kind == "lstm" else h)

# %% train_epoch
def train_epoch(model, ids, optimizer, batch_size, seq_len, max_norm=1.0):
    model.train(True)
    params = [p for p in model.parameters()]
    device = params[0].device
    nll_sum, n_targets, carried = 0.0, 0, None
    for x, y in make_batches(ids, batch_size, seq_len):
        if carried is not None:
            carried = tuple(s.detach() for s in carried) if isinstance(carried, tuple) else carried.detach()
        logits, carried = model(x.to(device), carried)
        logp = torch.log_softmax(logits, dim=-1).gather(2, y.to(device).unsqueeze(-1)).squeeze(-1)
        loss = -logp.mean()
        model.zero_grad()
        loss.backward()
        total = 0.0
        for p in params:
            if p.grad is not None:
                total += float((p.grad ** 2).sum())
        total = total ** 0.5
        if total > max_norm:
            for p in params:
                if p.grad is not None:
                    p.grad.mul_(max_norm / (total + 1e-6))
        optimizer.step()
        nll_sum += -float(logp.sum())
        n_targets += logp.numel()
    return nll_sum / n_targets

# %% generate
def generate(model, prime_ids, length, temperature=1.0, generator=None):
    mode = model.training
    model.eval()
    device = None
    for p in model.parameters():
        device = p.device
        break
    seq = list(int(v) for v in prime_ids)
    for _ in range(length):
        with torch.no_grad():                                  # the whole sequence again, from a fresh state
            logits, _ = model(torch.tensor([seq], device=device), None)
            probs = torch.softmax(logits[0, -1].double() / temperature, dim=0).cpu()
        u = float(torch.rand(1, generator=generator, dtype=torch.float64))   # inverse-CDF sampling
        cdf = torch.cumsum(probs, dim=0)
        pick = int((cdf < u * float(cdf[-1])).sum())
        seq.append(min(pick, len(probs) - 1))
    model.train(mode)
    return seq
