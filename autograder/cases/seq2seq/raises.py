"""One answer cell fails when it is run, another function raises when called; the rest is right.

The dot_attention cell starts with a leftover debugging line at the top level that raises
NameError before the def runs, so dot_attention is never defined (and the model, which calls it,
fails too); greedy_decode raises an IndexError inside (it concatenates the (N,) token vectors
along a second axis they do not have); beam_search raises a TypeError (it calls decode_step without
the memory).

expect: less
base: solution
hint: Some of your code raises an exception: a function fails when it is called, or a cell fails before
  its def runs, so the function is never defined and everything that uses it fails too (a leftover
  debugging line is a common cause). Restart the kernel, run the notebook from the top, and read the first
  traceback, which names the line and the error; then run each exercise's visible test cell in turn until
  none of them raises.
"""
# %% dot_attention
print(weights.sum(dim=1))

def dot_attention(query, keys, mask=None):
    scores = torch.einsum("nh,nsh->ns", query, keys)
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    weights = scores.softmax(dim=-1)
    return torch.einsum("ns,nsh->nh", weights, keys), weights

# %% greedy_decode
def greedy_decode(model, src, src_lengths, max_len, bos_id, eos_id):
    with torch.no_grad():
        memory, hidden = model.encode(src, src_lengths)
        prev = torch.full((src.shape[0],), bos_id, dtype=torch.long)
        done = torch.zeros(src.shape[0], dtype=torch.bool)
        out = []
        for _ in range(max_len):
            logits, hidden, _ = model.decode_step(prev, hidden, memory)
            prev = logits.argmax(dim=-1).masked_fill(done, 0)
            out.append(prev)
            done |= prev == eos_id
            if done.all():
                break
        return torch.cat(out, dim=1)                                 # (N,) tensors have no axis 1

# %% beam_search
def beam_search(model, src, src_lengths, beam_size, max_len, bos_id, eos_id, length_alpha=0.0):
    results = []
    with torch.no_grad():
        for i in range(src.shape[0]):
            memory, hidden = model.encode(src[i:i + 1], src_lengths[i:i + 1])
            logits, hidden, _ = model.decode_step(torch.tensor([bos_id]), hidden)   # forgot memory
            results.append(logits.argmax(dim=-1))
    return results
