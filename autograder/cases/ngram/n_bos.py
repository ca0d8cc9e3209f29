"""Sentences padded with n start symbols instead of n-1 (in counting and in perplexity).

With one <s> too many, count_ngrams counts an n-gram made only of <s> padding, and perplexity
asks the model to predict a <s>.

expect: less
base: solution
hint: Look again at the padding convention: an order-n model pads every sentence with n-1 start symbols <s>
  on the left (none for n = 1) and one </s> on the right. Compare what count_ngrams gives on the toy corpus
  with TOY_BIGRAMS and TOY_TRIGRAMS, and check that perplexity never asks the model to predict <s>.
"""
# %% count_ngrams
def count_ngrams(sentences, n):
    ngram_counts = Counter()
    context_counts = Counter()
    for sentence in sentences:
        tokens = ["<s>"] * n + list(sentence) + ["</s>"]
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
        tokens = ["<s>"] * n + list(sentence) + ["</s>"]
        for i in range(n - 1, len(tokens)):
            p = prob(tokens[i], tuple(tokens[i - n + 1 : i]))
            if p <= 0:
                return float("inf")
            log_sum += math.log(p)
            count += 1
    return math.exp(-log_sum / count)
