"""Context counts taken from unigram-style counts of the padded sentence, not from n-gram prefixes.

The student counts every (n-1)-gram of the padded sentence as a context, including the last
one, which ends in </s> and is never followed by anything.

expect: less
base: solution
hint: In count_ngrams, context_counts[c] is the number of n-grams whose first n-1 tokens are c, not how
  often the tokens of c occur in the padded sentence: the last tokens of a sentence are never followed by
  anything, and </s> itself is never a context. Compare your counts of the toy corpus with TOY_BIGRAMS and
  TOY_TRIGRAMS in the notebook.
"""
# %% count_ngrams
def count_ngrams(sentences, n):
    ngram_counts = Counter()
    context_counts = Counter()
    for sentence in sentences:
        tokens = ["<s>"] * (n - 1) + list(sentence) + ["</s>"]
        for i in range(n - 1, len(tokens)):
            ngram_counts[tuple(tokens[i - n + 1 : i + 1])] += 1
        for i in range(len(tokens) - n + 2):
            context_counts[tuple(tokens[i : i + n - 1])] += 1
    return ngram_counts, context_counts
