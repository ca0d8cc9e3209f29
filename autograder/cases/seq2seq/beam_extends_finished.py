"""beam_search treats </s> as an ordinary token: hypotheses that ended go on being extended.

The search runs to max_len and returns the best hypothesis then, which may go on after its </s>.

expect: less
base: solution
hint: Look again at what beam_search does with an extension that ends with </s>: it is finished, leaves
  the beam with its score, takes one place with it and is never extended again. Check that none of the
  hypotheses you return goes on after its </s>, and that with beam_size 1 your beam search gives the same
  translation as greedy decoding.
"""
# %% beam_search
def beam_search(model, src, src_lengths, beam_size, max_len, bos_id, eos_id, length_alpha=0.0):
    results = []
    with torch.no_grad():
        for i in range(src.shape[0]):
            L = int(src_lengths[i])
            memory, h0 = model.encode(src[i:i + 1, :L], src_lengths[i:i + 1])
            beam = [(0.0, [], h0)]
            for _ in range(max_len):
                candidates = []
                for score, tokens, hidden in beam:                   # mistake: finished ones too
                    prev = torch.tensor([tokens[-1] if tokens else bos_id], device=src.device)
                    logits, new_hidden, _ = model.decode_step(prev, hidden, memory)
                    logp = torch.log_softmax(logits[0].double(), dim=-1)
                    for v in range(logp.shape[0]):
                        candidates.append((score + float(logp[v]), tokens + [v], new_hidden))
                candidates.sort(key=lambda c: -c[0])
                beam = candidates[:beam_size]
            def final(c):
                return c[0] / len(c[1]) ** length_alpha if length_alpha > 0 else c[0]
            results.append(torch.tensor(max(beam, key=final)[1], dtype=torch.long, device=src.device))
    return results
