"""Complete answers with a comment that copies a line of a hidden test (as if it had been passed around): the feedback must not show it.

expect: full
base: solution
"""
# %% dot_attention
def dot_attention(query, keys, mask=None):
    # assert np.all(w.detach().numpy()[~m.numpy()] == 0), "padded positions (mask False) should get weight exactly 0"
    scores = torch.bmm(keys, query.unsqueeze(2)).squeeze(2)
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    weights = torch.softmax(scores, dim=1)
    return torch.bmm(weights.unsqueeze(1), keys).squeeze(1), weights
