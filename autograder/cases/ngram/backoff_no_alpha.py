"""Stupid backoff that backs off to the lower order without multiplying by alpha.

expect: less
base: solution
hint: Look again at the recursion in stupid_backoff: every time the oldest word of the context is dropped,
  the score is multiplied by alpha once more, so a score found two orders lower carries alpha twice. Work
  out by hand the score of a word that never followed its context, and check that a different alpha changes
  your answer.
"""
# %% stupid_backoff
def stupid_backoff(word, context, models, alpha=0.4):
    context = tuple(context)
    for m in range(min(max(models), len(context) + 1), 1, -1):
        ngram_counts, context_counts = models[m]
        ctx = context[len(context) - (m - 1) :]
        if ngram_counts.get(ctx + (word,), 0) > 0:
            return ngram_counts[ctx + (word,)] / context_counts[ctx]
    unigram_counts, totals = models[1]
    return unigram_counts.get((word,), 0) / totals[()]
