"""A realistic partial submission: counting, vocabulary, add-k and perplexity right; three functions wrong.

mle_prob divides by zero on an unseen context; interpolated_prob keeps the weight of an unseen
context instead of moving it to the uniform term; kneser_ney_prob uses raw counts at every order
(absolute discounting, not Kneser-Ney).

expect: less
base: solution
hint: Look again at three functions. In mle_prob, a context that was never seen gives 0.0, without dividing
  by zero; in interpolated_prob, the weight of an order whose context was never seen moves to the uniform
  1/V term (check that your probabilities after an unseen context sum to 1); and in kneser_ney_prob, every
  order below the highest uses continuation counts, not raw counts.
"""
# %% mle_prob
def mle_prob(word, context, ngram_counts, context_counts):
    return ngram_counts[tuple(context) + (word,)] / context_counts[tuple(context)]

# %% interpolated_prob
def interpolated_prob(word, context, models, lambdas, vocab_size):
    prob = lambdas[0] / vocab_size
    for m in range(1, len(lambdas)):
        ngram_counts, context_counts = models[m]
        ctx = tuple(context)[len(context) - m + 1 :] if m > 1 else ()
        if context_counts[ctx] > 0:
            prob += lambdas[m] * ngram_counts[ctx + (word,)] / context_counts[ctx]
    return prob

# %% kneser_ney_prob
def kneser_ney_prob(word, context, models, vocab_size, discount=0.75):
    context = tuple(context)
    prob = 1.0 / vocab_size
    for m in range(1, max(models) + 1):
        ngram_counts, context_counts = models[m]
        ctx = context[len(context) - m + 1 :] if m > 1 else ()
        total = context_counts[ctx]
        if total > 0:
            types = sum(1 for g, c in ngram_counts.items() if g[:-1] == ctx and c > 0)
            prob = max(ngram_counts[ctx + (word,)] - discount, 0) / total + discount * types / total * prob
    return prob
