"""dot_attention zeroes the weights of padded positions after the softmax, without renormalising.

Padded weights are 0 as required, but the weights of a padded row sum to less than 1.

expect: less
base: solution
hint: Look again at masking in dot_attention: the padded positions must be excluded before normalising, so
  that the weights of the real positions are the softmax over those positions alone. Check on a padded
  batch that every row of your weights still sums to 1, not only that the padded weights are zero.
"""
# %% dot_attention
def dot_attention(query, keys, mask=None):
    scores = torch.bmm(keys, query.unsqueeze(2)).squeeze(2)
    weights = torch.softmax(scores, dim=1)
    if mask is not None:
        weights = weights * mask                                     # mistake: not renormalised
    context = torch.bmm(weights.unsqueeze(1), keys).squeeze(1)
    return context, weights
