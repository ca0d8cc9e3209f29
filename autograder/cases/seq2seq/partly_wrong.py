"""A realistic partial submission: attention right, teacher forcing and decoding each slightly wrong.

teacher_forcing_batch shifts the targets right but puts PAD_ID instead of <s> in front;
greedy_decode pads finished rows with </s> instead of PAD_ID; corpus_bleu takes the brevity penalty
sentence by sentence (the product of per-sentence penalties) instead of from the corpus's lengths.

expect: less
base: solution
hint: Look again at three conventions of the notebook. In teacher_forcing_batch every row's first decoder
  input is <s>; in greedy_decode a row's positions after its </s> are PAD_ID, not more </s>; and in
  corpus_bleu the brevity penalty comes once from the corpus's total lengths c and r, not sentence by
  sentence.
"""
# %% teacher_forcing_batch
def teacher_forcing_batch(tgt, bos_id):
    dec_in = torch.zeros_like(tgt)                                   # mistake: starts with PAD, not <s>
    dec_in[:, 1:] = tgt[:, :-1]
    return dec_in, tgt.clone()

# %% greedy_decode
def greedy_decode(model, src, src_lengths, max_len, bos_id, eos_id):
    with torch.no_grad():
        memory, hidden = model.encode(src, src_lengths)
        prev = torch.full((src.shape[0],), bos_id, dtype=torch.long, device=src.device)
        done = torch.zeros(src.shape[0], dtype=torch.bool, device=src.device)
        out = []
        for _ in range(max_len):
            logits, hidden, _ = model.decode_step(prev, hidden, memory)
            token = torch.where(done, torch.full_like(prev, eos_id), logits.argmax(dim=-1))   # mistake: eos, not PAD
            out.append(token)
            done = done | (token == eos_id)
            if bool(done.all()):
                break
            prev = token
        return torch.stack(out, dim=1)

# %% corpus_bleu
def corpus_bleu(hypotheses, references, max_n=4):
    matches, totals = [0] * max_n, [0] * max_n
    bp = 1.0
    for hyp, ref in zip(hypotheses, references):
        if len(hyp) <= len(ref) and hyp:
            bp *= math.exp(1 - len(ref) / len(hyp))                        # mistake: per sentence
        for n in range(1, max_n + 1):
            h = Counter(tuple(hyp[j:j + n]) for j in range(len(hyp) - n + 1))
            r = Counter(tuple(ref[j:j + n]) for j in range(len(ref) - n + 1))
            matches[n - 1] += sum(min(k, r[g]) for g, k in h.items())
            totals[n - 1] += sum(h.values())
    if min(matches) == 0:
        return 0.0
    return 100.0 * bp * math.exp(sum(math.log(m / t) for m, t in zip(matches, totals)) / max_n)
