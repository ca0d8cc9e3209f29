"""greedy_decode keeps writing after a row's </s> instead of padding it.

It stops once every row has written a </s> somewhere, but finished rows go on with whatever the
model predicts next.

expect: less
base: solution
hint: Look again at how greedy_decode treats a row that has already written </s>: that </s> is kept, and
  every later position of the row is PAD_ID, whatever the model would predict next. Check on a batch whose
  sentences finish at different steps that only padding follows the first </s> of each row.
"""
# %% greedy_decode
def greedy_decode(model, src, src_lengths, max_len, bos_id, eos_id):
    with torch.no_grad():
        memory, hidden = model.encode(src, src_lengths)
        prev = torch.full((src.shape[0],), bos_id, dtype=torch.long, device=src.device)
        seen_eos = torch.zeros(src.shape[0], dtype=torch.bool, device=src.device)
        out = []
        for _ in range(max_len):
            logits, hidden, _ = model.decode_step(prev, hidden, memory)
            token = logits.argmax(dim=-1)                            # mistake: finished rows not padded
            out.append(token)
            seen_eos = seen_eos | (token == eos_id)
            if bool(seen_eos.all()):
                break
            prev = token
        return torch.stack(out, dim=1)
