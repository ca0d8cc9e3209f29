"""kneser_ney_prob memoises its tables inside models (models[0]), which must be read-only.

expect: less
base: solution
hint: Check whether your kneser_ney_prob, or a helper it calls such as kn_tables, changes the models it is
  given: the notebook's conventions ask you to treat models as read-only. Compare models before and after a
  call (the same keys and the same counts), and keep whatever you memoise outside it, as the Speed paragraph
  of the Kneser-Ney section describes.
"""
# %% kneser_ney_prob
def kn_tables(models):
    if 0 in models:
        return models[0]
    n = max(models)
    tables = {}
    ngram_counts, context_counts = models[n]
    followers = Counter(gram[:-1] for gram, count in ngram_counts.items() if count > 0)
    tables[n] = (ngram_counts, context_counts, followers)
    for m in range(1, n):
        continuation = Counter(gram[1:] for gram, count in models[m + 1][0].items() if count > 0)
        totals, follow = Counter(), Counter()
        for gram, count in continuation.items():
            totals[gram[:-1]] += count
            follow[gram[:-1]] += 1
        tables[m] = (continuation, totals, follow)
    models[0] = tables                                # mistake: writes into the caller's models
    return tables


def kneser_ney_prob(word, context, models, vocab_size, discount=0.75):
    tables = kn_tables(models)
    context = tuple(context)
    prob = 1.0 / vocab_size
    for m in range(1, max(models) + 1):
        counts, totals, followers = tables[m]
        ctx = context[len(context) - (m - 1):] if m > 1 else ()
        total = totals.get(ctx, 0)
        if total > 0:
            prob = max(counts.get(ctx + (word,), 0) - discount, 0) / total + discount * followers[ctx] / total * prob
    return prob
