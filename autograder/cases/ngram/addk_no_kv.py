"""Add-k smoothing whose denominator adds k instead of k * V.

expect: less
base: solution
"""
# %% add_k_prob
def add_k_prob(word, context, ngram_counts, context_counts, vocab_size, k=1.0):
    context = tuple(context)
    return (ngram_counts.get(context + (word,), 0) + k) / (context_counts.get(context, 0) + k)
