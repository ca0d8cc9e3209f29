"""beam_search multiplies probabilities instead of adding log-probabilities.

The ranking is the same as long as the products are representable, but long outputs underflow to 0
in the model's float32 and the beam then picks among equal zeros.

expect: less
base: solution
hint: Look again at the score of a hypothesis in beam_search: it is the sum of the log-probabilities (the
  log-softmax of the logits) of its tokens, since a product of probabilities underflows to 0 after a few
  dozen tokens in float32. Check your scores on long hypotheses: do they stay negative numbers that still
  tell the hypotheses apart, rather than all becoming 0?
"""
# %% beam_search
def beam_search(model, src, src_lengths, beam_size, max_len, bos_id, eos_id, length_alpha=0.0):
    results = []
    with torch.no_grad():
        for i in range(src.shape[0]):
            L = int(src_lengths[i])
            memory, h0 = model.encode(src[i:i + 1, :L], src_lengths[i:i + 1])
            beam, finished = [(1.0, [], h0)], []                     # mistake: a probability, multiplied
            for _ in range(max_len):
                places = beam_size - len(finished)
                candidates = []
                for prob, tokens, hidden in beam:
                    prev = torch.tensor([tokens[-1] if tokens else bos_id], device=src.device)
                    logits, new_hidden, _ = model.decode_step(prev, hidden, memory)
                    probs = torch.softmax(logits[0], dim=-1)
                    for v in range(probs.shape[0]):
                        candidates.append((prob * probs[v], tokens + [v], new_hidden))
                candidates.sort(key=lambda c: -float(c[0]))
                beam = []
                for c in candidates[:places]:
                    (finished if c[1][-1] == eos_id else beam).append(c)
                if not beam:
                    break
            pool = finished + beam
            def final(c):
                s = math.log(float(c[0])) if float(c[0]) > 0 else float("-inf")
                return s / len(c[1]) ** length_alpha if length_alpha > 0 else float(c[0])
            results.append(torch.tensor(max(pool, key=final)[1], dtype=torch.long, device=src.device))
    return results
