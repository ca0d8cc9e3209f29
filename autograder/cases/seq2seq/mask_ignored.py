"""dot_attention ignores the mask: padded source positions get weight too.

Everything else is right, so unmasked batches pass.

expect: less
base: solution
hint: Look again at the mask in dot_attention: padded positions must get weight exactly 0 while the
  weights of the real positions still sum to 1, and a padded key of zeros has score 0, not minus infinity,
  so it does not mask itself. Check on a batch with padding: do the weights over the padded positions come
  out zero?
"""
# %% dot_attention
def dot_attention(query, keys, mask=None):
    scores = torch.bmm(keys, query.unsqueeze(2)).squeeze(2)          # mistake: mask never used
    weights = torch.softmax(scores, dim=1)
    context = torch.bmm(weights.unsqueeze(1), keys).squeeze(1)
    return context, weights
