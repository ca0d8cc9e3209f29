"""perplexity raises 2 to the NLL, which is in nats (2 would go with bits).

expect: less
base: solution
"""
# %% conversions
def perplexity(nll):
    return 2 ** nll                                           # mistake: the NLL is in nats


def bits_per_char(nll):
    return nll / math.log(2)
