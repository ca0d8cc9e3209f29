"""dot_attention ignores the mask: padded source positions get weight too.

Everything else is right, so unmasked batches pass.

expect: less
base: solution
"""
# %% dot_attention
def dot_attention(query, keys, mask=None):
    scores = torch.bmm(keys, query.unsqueeze(2)).squeeze(2)          # mistake: mask never used
    weights = torch.softmax(scores, dim=1)
    context = torch.bmm(weights.unsqueeze(1), keys).squeeze(1)
    return context, weights
