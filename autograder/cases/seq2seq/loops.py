"""Every function rewritten in a different, correct, loop-based style: must get full marks.

dot_attention loops over the examples and masks with masked_fill and a large negative number
(so padded weights underflow to exactly 0); teacher_forcing_batch fills the inputs step by step;
greedy_decode encodes and decodes each sentence alone, unpadded, always runs to max_len steps'
width and leaves zeros after </s>.

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
