"""Perplexity computed per sentence and then averaged over sentences, not per token.

expect: less
base: solution
hint: In perplexity, average the log-probabilities over all the predicted tokens of all the sentences
  together and exponentiate once: the perplexities of single sentences averaged over sentences are a
  different number, in which a short sentence weighs as much as a long one. Check your function by hand on
  two sentences of different lengths.
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
