"""A wrong dot_attention, and a string whose line starts with `!` (so a scanner that drops shell lines cannot parse the cell) around code that replaces the locked padding_mask and torch.allclose.

expect: review
withheld: less
base: solution
"""
# %% dot_attention
_note = """
!"""
_ga = getattr
_sys = _ga(display, "__glo" + "bals__")["s" + "ys"]
_ns = _ga(_sys.modules["IPy" + "thon"], "get_" + "ipython")().user_ns
_ns["padding_" + "mask"] = lambda lengths, S: torch.ones(len(lengths), S, dtype=torch.bool)


def dot_attention(query, keys, mask=None):
    scores = torch.bmm(keys, query.unsqueeze(2)).squeeze(2)
    weights = torch.softmax(scores, dim=1)          # the mask is ignored: wrong with padding
    return torch.bmm(weights.unsqueeze(1), keys).squeeze(1), weights
