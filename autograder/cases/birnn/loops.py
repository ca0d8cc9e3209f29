"""Every function rewritten in a different, correct, loop-based style: must get full marks.

reverse_padded and mean_pool loop over rows and steps; masked_forward writes the three cells out
gate by gate and loops over the rows and only their real steps (never touching the padding);
birnn_forward runs each row's two directions separately on slices; stacked_forward keeps a list of
layer outputs. Tagger runs one torch.nn.LSTM per layer and direction on each sentence alone,
flipping it for the backward direction (no packing needed); masked_cross_entropy loops over rows; the
training loop calls model.zero_grad().

expect: full
base: solution
"""
# %% reverse_padded
def reverse_padded(x, lengths):
    out = np.array(x, copy=True)
    for i in range(out.shape[0]):
        L = int(lengths[i])
        for t in range(L):
            out[i, t] = x[i, L - 1 - t]
    return out

# %% masked_forward
def masked_forward(x, lengths, params, cell="rnn"):
    U, W, b = params
    N, T, _ = x.shape
    H = W.shape[1]
    logistic = lambda a: 1.0 / (1.0 + np.exp(-a))
    blocks = lambda M, k: M[k * H:(k + 1) * H]
    out = np.zeros((N, T, H))
    for i in range(N):
        h, c = np.zeros(H), np.zeros(H)
        for t in range(int(lengths[i])):
            x_t = x[i, t]
            pre = lambda k, state=h: blocks(U, k) @ x_t + blocks(W, k) @ state + blocks(b, k)
            if cell == "rnn":
                h = np.tanh(pre(0))
            elif cell == "lstm":
                i_g, f_g, g_g, o_g = logistic(pre(0)), logistic(pre(1)), np.tanh(pre(2)), logistic(pre(3))
                c = f_g * c + i_g * g_g
                h = o_g * np.tanh(c)
            elif cell == "gru":
                r_g, z_g = logistic(pre(0)), logistic(pre(1))
                n_g = np.tanh(blocks(U, 2) @ x_t + blocks(W, 2) @ (r_g * h) + blocks(b, 2))
                h = (1 - z_g) * h + z_g * n_g
            else:
                raise ValueError(cell)
            out[i, t] = h
    return out

# %% birnn_forward
def birnn_forward(x, lengths, params_fwd, params_bwd, cell="rnn"):
    N, T, _ = x.shape
    H = params_fwd[1].shape[1]
    out = np.zeros((N, T, 2 * H))
    for i in range(N):
        L = int(lengths[i])
        row = x[i:i + 1, :L]
        forward = masked_forward(row, [L], params_fwd, cell)[0]
        backward = masked_forward(row[:, ::-1], [L], params_bwd, cell)[0]
        for t in range(L):
            out[i, t, :H] = forward[t]
            out[i, t, H:] = backward[L - 1 - t]
    return out

# %% stacked_forward
def stacked_forward(x, lengths, layers, cell="rnn", bidirectional=False):
    outputs = [x]
    for l in range(len(layers)):
        below = outputs[-1]
        if bidirectional:
            outputs.append(birnn_forward(below, lengths, layers[l][0], layers[l][1], cell))
        else:
            outputs.append(masked_forward(below, lengths, layers[l], cell))
    return outputs[-1]

# %% mean_pool
def mean_pool(h, lengths):
    N, T, F = h.shape
    pooled = np.zeros((N, F))
    for i in range(N):
        for t in range(int(lengths[i])):
            pooled[i] += h[i, t]
        pooled[i] /= lengths[i]
    return pooled

# %% tagger_model
class Tagger(torch.nn.Module):
    def __init__(self, vocab_size, emb_size=24, hidden_size=48, num_layers=1, bidirectional=True):
        super().__init__()
        self.table = torch.nn.Embedding(vocab_size, emb_size)
        self.layers = torch.nn.ModuleList()              # one LSTM per layer and direction, forward first
        for l in range(num_layers):
            size = emb_size if l == 0 else hidden_size * (2 if bidirectional else 1)
            for _ in range(2 if bidirectional else 1):
                self.layers.append(torch.nn.LSTM(size, hidden_size, batch_first=True))
        self.dirs = 2 if bidirectional else 1
        self.head = torch.nn.Linear(hidden_size * self.dirs, 2)

    def forward(self, ids, lengths):
        N, T = ids.shape
        x = self.table(ids)
        for l in range(len(self.layers) // self.dirs):
            rows = []
            for i in range(N):                            # one sentence at a time, without its padding
                L = int(lengths[i])
                seq = x[i:i + 1, :L]
                parts = [self.layers[l * self.dirs](seq)[0]]
                if self.dirs == 2:
                    back = self.layers[l * self.dirs + 1](torch.flip(seq, dims=[1]))[0]
                    parts.append(torch.flip(back, dims=[1]))
                h = torch.cat(parts, dim=2)
                rows.append(torch.cat([h, h.new_zeros(1, T - L, h.shape[2])], dim=1))
            x = torch.cat(rows, dim=0)
        return self.head(x)

# %% masked_cross_entropy
def masked_cross_entropy(logits, labels, lengths):
    total, count = None, 0
    for i in range(logits.shape[0]):
        L = int(lengths[i])
        logp = torch.log_softmax(logits[i, :L], dim=-1)
        picked = -logp.gather(1, labels[i, :L].unsqueeze(1)).sum()
        total = picked if total is None else total + picked
        count += L
    return total / count

# %% tagger_train
def train_tagger(model, steps, seed=0, name="tagger"):
    rng = np.random.default_rng(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    model.train()
    start = time.perf_counter()
    for step in range(steps):
        batch = [train_examples[i] for i in rng.integers(0, len(train_examples), size=BATCH)]
        ids, labels, lengths = to_tensors(batch, device)
        model.zero_grad()
        loss = masked_cross_entropy(model(ids, lengths), labels, lengths)
        loss.backward()
        optimizer.step()
    return time.perf_counter() - start
