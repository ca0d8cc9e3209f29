"""perplexity raises 2 to the NLL, which is in nats (2 would go with bits).

expect: less
base: solution
hint: Look again at the definition of perplexity in section 4: the NLL here is in nats (natural
  logarithms), and the base of the exponential must match the unit of the NLL. Check: a uniform model
  over V tokens has an NLL of ln V nats and a perplexity of exactly V.
"""
# %% conversions
def perplexity(nll):
    return 2 ** nll                                           # mistake: the NLL is in nats


def bits_per_char(nll):
    return nll / math.log(2)
