"""The end symbol </s> is never added: neither counted nor scored by perplexity.

expect: less
base: solution
hint: Look again at the padding convention: every sentence ends with one end symbol </s>, which the model
  counts and predicts like any other word (knowing when a sentence stops is part of modelling language).
  Check that count_ngrams counts the n-grams that end in </s> (compare with TOY_BIGRAMS) and that perplexity
  scores </s> at the end of every sentence.
"""
# %% count_ngrams
def count_ngrams(sentences, n):
    ngram_counts = Counter()
    context_counts = Counter()
    for sentence in sentences:
        tokens = ["<s>"] * (n - 1) + list(sentence)
        for i in range(n - 1, len(tokens)):
            gram = tuple(tokens[i - n + 1 : i + 1])
            ngram_counts[gram] += 1
            context_counts[gram[:-1]] += 1
    return ngram_counts, context_counts

# %% perplexity
def perplexity(prob, sentences, n):
    log_sum = 0.0
    count = 0
    for sentence in sentences:
        tokens = ["<s>"] * (n - 1) + list(sentence)
        for i in range(n - 1, len(tokens)):
            p = prob(tokens[i], tuple(tokens[i - n + 1 : i]))
            if p <= 0:
                return float("inf")
            log_sum += math.log(p)
            count += 1
    return math.exp(-log_sum / count)
