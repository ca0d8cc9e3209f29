"""beam_search ignores length_alpha: the final choice always compares the raw scores.

expect: less
base: solution
hint: Look again at length normalisation in beam_search: when length_alpha > 0, the final choice among the
  finished hypotheses and those left in the beam compares score / |y| ** length_alpha, where |y| counts
  the hypothesis's tokens, </s> included. Check on one sentence that a larger length_alpha can let a
  longer hypothesis win, while length_alpha = 0 still compares the plain scores.
"""
# %% beam_search
def beam_search(model, src, src_lengths, beam_size, max_len, bos_id, eos_id, length_alpha=0.0):
    results = []
    with torch.no_grad():
        for i in range(src.shape[0]):
            L = int(src_lengths[i])
            memory, h0 = model.encode(src[i:i + 1, :L], src_lengths[i:i + 1])
            beam, finished = [(0.0, [], h0)], []
            for _ in range(max_len):
                places = beam_size - len(finished)
                candidates = []
                for score, tokens, hidden in beam:
                    prev = torch.tensor([tokens[-1] if tokens else bos_id], device=src.device)
                    logits, new_hidden, _ = model.decode_step(prev, hidden, memory)
                    logp = torch.log_softmax(logits[0].double(), dim=-1)
                    for v in range(logp.shape[0]):
                        candidates.append((score + float(logp[v]), tokens + [v], new_hidden))
                candidates.sort(key=lambda c: -c[0])
                beam = []
                for c in candidates[:places]:
                    (finished if c[1][-1] == eos_id else beam).append(c)
                if not beam:
                    break
            best = max(finished + beam, key=lambda c: c[0])          # mistake: length_alpha never used
            results.append(torch.tensor(best[1], dtype=torch.long, device=src.device))
    return results
