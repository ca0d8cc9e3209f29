"""Add-k smoothing whose denominator adds k instead of k * V.

expect: less
base: solution
hint: Look again at the denominator of add-k smoothing in add_k_prob: each of the V words of the vocabulary
  receives k extra counts after the context, so the context's total grows by k times V. Check that the
  probabilities of all the words of the vocabulary after one context sum to 1.
"""
# %% add_k_prob
def add_k_prob(word, context, ngram_counts, context_counts, vocab_size, k=1.0):
    context = tuple(context)
    return (ngram_counts.get(context + (word,), 0) + k) / (context_counts.get(context, 0) + k)
