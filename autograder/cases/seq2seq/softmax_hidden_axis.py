"""dot_attention normalises over the hidden axis: a softmax of the products q_h k_jh over h.

The products are never summed into one score per position before the softmax, so each position's
weight is an average of per-unit softmaxes and the weights do not sum to 1 over the positions.

expect: less
base: solution
hint: Look again at the scores in dot_attention: each source position j gets one score e_j = q . k_j, the
  products summed over the hidden units, and the softmax then runs over the source positions, never across
  the hidden units. Check that your weights sum to 1 over the positions of each example and match a
  softmax of the dot products you compute by hand.
"""
# %% dot_attention
def dot_attention(query, keys, mask=None):
    products = keys * query.unsqueeze(1)                             # (N, S, H)
    if mask is not None:
        products = products.masked_fill(~mask.unsqueeze(2), float("-inf"))
    alpha = torch.softmax(products, dim=2)                           # mistake: over the hidden units
    if mask is not None:
        alpha = alpha.masked_fill(~mask.unsqueeze(2), 0.0)
    context = (alpha * keys).sum(dim=1)
    return context, alpha.mean(dim=2)
