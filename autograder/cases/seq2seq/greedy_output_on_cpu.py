"""greedy_decode collects the chosen ids as Python ints and returns a new tensor made on the CPU.

expect: less
base: solution
hint: Look again at where greedy_decode's output lives: on a GPU, src and the model's logits are on the
  GPU, and the tokens you return should be there too (the docstring says src's device). A tensor built
  from Python numbers starts on the CPU unless you say otherwise. Check with the model and src moved to
  another device: is out.device the same as src.device?
"""
# %% greedy_decode
def greedy_decode(model, src, src_lengths, max_len, bos_id, eos_id):
    with torch.no_grad():
        memory, hidden = model.encode(src, src_lengths)
        prev = torch.full((src.shape[0],), bos_id, dtype=torch.long, device=src.device)
        finished = [False] * src.shape[0]
        rows = [[] for _ in range(src.shape[0])]
        for _ in range(max_len):
            logits, hidden, _ = model.decode_step(prev, hidden, memory)
            token = logits.argmax(dim=-1)
            for i, t in enumerate(token.tolist()):
                rows[i].append(PAD_ID if finished[i] else t)
                finished[i] = finished[i] or t == eos_id
            if all(finished):
                break
            prev = token
        return torch.tensor(rows, dtype=torch.long)      # mistake: made on the CPU, not on src's device
