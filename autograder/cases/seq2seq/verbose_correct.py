"""An honest student who left verbose debugging prints (30 kB per call) in two correct functions.

expect: full
base: solution
"""
# %% dot_attention
def dot_attention(query, keys, mask=None):
    print("dot_attention", tuple(query.shape), tuple(keys.shape), "=" * 30_000)
    scores = torch.bmm(keys, query.unsqueeze(2)).squeeze(2)
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    weights = torch.softmax(scores, dim=1)
    return torch.bmm(weights.unsqueeze(1), keys).squeeze(1), weights
# %% teacher_forcing_batch
def teacher_forcing_batch(tgt, bos_id):
    print("teacher forcing", tuple(tgt.shape), "-" * 30_000)
    start = torch.full_like(tgt[:, :1], bos_id)
    return torch.cat([start, tgt[:, :-1]], dim=1), tgt.clone()
