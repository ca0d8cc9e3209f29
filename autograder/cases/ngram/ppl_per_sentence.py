"""Perplexity computed per sentence and then averaged over sentences, not per token.

expect: less
base: solution
"""
# %% perplexity
def perplexity(prob, sentences, n):
    values = []
    for sentence in sentences:
        tokens = ["<s>"] * (n - 1) + list(sentence) + ["</s>"]
        log_sum = 0.0
        for i in range(n - 1, len(tokens)):
            p = prob(tokens[i], tuple(tokens[i - n + 1 : i]))
            if p <= 0:
                return float("inf")
            log_sum += math.log(p)
        values.append(math.exp(-log_sum / (len(tokens) - n + 1)))
    return sum(values) / len(values)
