"""Every function rewritten in a different, correct, loop-based style: must get full marks.

dot_attention loops over the examples and masks with masked_fill and a large negative number
(so padded weights underflow to exactly 0); teacher_forcing_batch fills the inputs step by step;
greedy_decode encodes and decodes each sentence alone, unpadded, always runs to max_len steps'
width and leaves zeros after </s>. Seq2Seq has another layout: an encoder module that runs the
bidirectional GRU on each sentence alone (no packing needed), a summary with the backward state
first, a decoder module with a one-layer nn.GRU stepped one token at a time that reads
[context; embedding] and an output layer on [context; state], a dict as memory and a mask built in
a loop. beam_search keeps Python lists of hypotheses and decodes each one alone; corpus_bleu counts
n-grams with plain dicts.

expect: full
base: solution
"""
# %% dot_attention
def dot_attention(query, keys, mask=None):
    N, S, H = keys.shape
    contexts, weights = [], []
    for i in range(N):
        scores = keys[i] @ query[i]                                  # (S,)
        if mask is not None:
            scores = scores.masked_fill(~mask[i], -1e9)
        scores = scores - scores.max()
        e = torch.exp(scores)
        w = e / e.sum()
        weights.append(w)
        contexts.append((w[:, None] * keys[i]).sum(dim=0))
    return torch.stack(contexts), torch.stack(weights)

# %% teacher_forcing_batch
def teacher_forcing_batch(tgt, bos_id):
    N, T = tgt.shape
    dec_in = torch.empty_like(tgt)
    for t in range(T):
        dec_in[:, t] = bos_id if t == 0 else tgt[:, t - 1]
    dec_out = torch.empty_like(tgt)
    dec_out.copy_(tgt)
    return dec_in, dec_out

# %% greedy_decode
def greedy_decode(model, src, src_lengths, max_len, bos_id, eos_id):
    out = torch.zeros(src.shape[0], max_len, dtype=torch.long, device=src.device)
    with torch.no_grad():
        for i in range(src.shape[0]):
            L = int(src_lengths[i])
            memory, hidden = model.encode(src[i:i + 1, :L], src_lengths[i:i + 1])
            prev = torch.tensor([bos_id], device=src.device)
            for t in range(max_len):
                logits, hidden, _ = model.decode_step(prev, hidden, memory)
                prev = logits.argmax(dim=1)
                out[i, t] = prev[0]
                if int(prev[0]) == eos_id:
                    break
    return out

# %% Seq2Seq
class _Encoder(torch.nn.Module):
    def __init__(self, vocab_size, emb_size, hidden_size):
        super().__init__()
        self.embed = torch.nn.Embedding(vocab_size, emb_size, padding_idx=PAD_ID)
        self.rnn = torch.nn.GRU(emb_size, hidden_size // 2, batch_first=True, bidirectional=True)

    def forward(self, src, src_lengths):
        N, S = src.shape
        keys, summaries = [], []
        for i in range(N):
            L = int(src_lengths[i])
            states, last = self.rnn(self.embed(src[i:i + 1, :L]))
            keys.append(torch.nn.functional.pad(states[0], (0, 0, 0, S - L)))
            summaries.append(torch.cat([last[1, 0], last[0, 0]]))          # backward state first
        return torch.stack(keys), torch.stack(summaries)


class _Decoder(torch.nn.Module):
    def __init__(self, vocab_size, emb_size, hidden_size):
        super().__init__()
        self.embed = torch.nn.Embedding(vocab_size, emb_size, padding_idx=PAD_ID)
        self.start = torch.nn.Linear(hidden_size, hidden_size)
        self.rnn = torch.nn.GRU(hidden_size + emb_size, hidden_size)
        self.proj = torch.nn.Linear(2 * hidden_size, vocab_size)


class Seq2Seq(torch.nn.Module):
    def __init__(self, src_vocab_size, tgt_vocab_size, emb_size=32, hidden_size=64, attention=True):
        super().__init__()
        self.attention = attention
        self.enc = _Encoder(src_vocab_size, emb_size, hidden_size)
        self.dec = _Decoder(tgt_vocab_size, emb_size, hidden_size)

    def encode(self, src, src_lengths):
        keys, summary = self.enc(src, src_lengths)
        mask = torch.zeros(src.shape, dtype=torch.bool, device=src.device)
        for i in range(src.shape[0]):
            mask[i, :int(src_lengths[i])] = True
        return {"keys": keys, "mask": mask, "summary": summary}, torch.tanh(self.dec.start(summary))

    def decode_step(self, prev, hidden, memory):
        if self.attention:
            context, weights = dot_attention(hidden, memory["keys"], memory["mask"])
        else:
            context, weights = memory["summary"], None
        x = torch.cat([context, self.dec.embed(prev)], dim=1)
        _, h = self.dec.rnn(x[None], hidden[None].contiguous())
        hidden = h[0]
        return self.dec.proj(torch.cat([context, hidden], dim=1)), hidden, weights

    def forward(self, src, src_lengths, dec_in):
        memory, hidden = self.encode(src, src_lengths)
        logits, weights = [], []
        for t in range(dec_in.shape[1]):
            out, hidden, w = self.decode_step(dec_in[:, t], hidden, memory)
            logits.append(out)
            weights.append(w)
        return torch.stack(logits, dim=1), (torch.stack(weights, dim=1) if self.attention else None)

# %% beam_search
def beam_search(model, src, src_lengths, beam_size, max_len, bos_id, eos_id, length_alpha=0.0):
    was_training = getattr(model, "training", None)
    if was_training is not None:
        model.eval()
    results = []
    with torch.no_grad():
        for i in range(src.shape[0]):
            L = int(src_lengths[i])
            memory, h0 = model.encode(src[i:i + 1, :L], src_lengths[i:i + 1].clone())
            beam, done = [(0.0, [], h0)], []
            for _ in range(max_len):
                places = beam_size - len(done)
                grown = []
                for score, tokens, hidden in beam:
                    prev = torch.tensor([tokens[-1] if tokens else bos_id], device=src.device)
                    logits, new_hidden, _ = model.decode_step(prev, hidden, memory)
                    logp = torch.log_softmax(logits[0].double(), dim=-1).tolist()
                    for v, lp in enumerate(logp):
                        grown.append((score + lp, tokens + [v], new_hidden))
                grown.sort(key=lambda c: c[0], reverse=True)
                beam = []
                for c in grown[:places]:
                    if c[1][-1] == eos_id:
                        done.append(c)
                    else:
                        beam.append(c)
                if not beam:
                    break
            ranked = sorted(done + beam, reverse=True,
                            key=lambda c: c[0] / (len(c[1]) ** length_alpha) if length_alpha > 0 else c[0])
            results.append(torch.tensor(ranked[0][1], dtype=torch.long, device=src.device))
    if was_training is not None:
        model.train(was_training)
    return results

# %% corpus_bleu
def corpus_bleu(hypotheses, references, max_n=4):
    matched, total = [0] * max_n, [0] * max_n
    c = r = 0
    for hyp, ref in zip(hypotheses, references):
        c += len(hyp)
        r += len(ref)
        for n in range(1, max_n + 1):
            ref_count = {}
            for j in range(len(ref) - n + 1):
                g = tuple(ref[j:j + n])
                ref_count[g] = ref_count.get(g, 0) + 1
            for j in range(len(hyp) - n + 1):
                g = tuple(hyp[j:j + n])
                total[n - 1] += 1
                if ref_count.get(g, 0) > 0:
                    ref_count[g] -= 1
                    matched[n - 1] += 1
    if c == 0 or 0 in matched:
        return 0.0
    log_mean = sum(math.log(m) - math.log(t) for m, t in zip(matched, total)) / max_n
    return 100.0 * (1.0 if c > r else math.exp(1.0 - r / c)) * math.exp(log_mean)
