"""dot_attention takes the softmax over the batch axis (dim=0) instead of the source positions.

With one example per batch every weight becomes 1; with several, each source position is
normalised across the examples, so the weights of one example do not sum to 1.

expect: less
base: solution
hint: Look again at the axis of the softmax in dot_attention: the weights are normalised over the source
  positions of each example, never across the examples of the batch. Check that each row of your weights
  sums to 1 on a batch of several examples, and that a batch of one example does not give every position
  weight 1.
"""
# %% dot_attention
def dot_attention(query, keys, mask=None):
    scores = torch.bmm(keys, query.unsqueeze(2)).squeeze(2)
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    weights = torch.softmax(scores, dim=0)                           # mistake: across the batch
    context = torch.bmm(weights.unsqueeze(1), keys).squeeze(1)
    return context, weights
