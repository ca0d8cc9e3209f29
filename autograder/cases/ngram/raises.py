"""One answer cell fails when it is run, another function raises when called; the rest is right.

The build_vocab cell starts with a leftover debugging line that raises NameError, so the cell
stops before build_vocab is defined; stupid_backoff raises a KeyError inside (it looks up order 0).

expect: less
base: solution
hint: Part of your notebook raises an exception: a cell that stops with an error leaves its function
  undefined, and everything that uses that function fails too. Restart the kernel, run all cells from the
  top and read the first traceback (its last line names the error, the lines above show where it happened);
  then run each visible test cell in turn and check that none of them shows an error.
"""
# %% build_vocab
print(build_vocab(my_sentences))

def build_vocab(sentences, min_count=2):
    counts = Counter(word for sentence in sentences for word in sentence)
    return {w for w, c in counts.items() if c >= min_count} | {"</s>", "<unk>"}

# %% stupid_backoff
def stupid_backoff(word, context, models, alpha=0.4):
    context = tuple(context)
    m = min(max(models), len(context) + 1)
    ngram_counts, context_counts = models[m]
    ctx = context[len(context) - m + 1 :] if m > 1 else ()
    if ngram_counts[ctx + (word,)] > 0:
        return ngram_counts[ctx + (word,)] / context_counts[ctx]
    lower = {j: models[j - 1] for j in range(1, m)}  # off by one: models[0] does not exist
    return alpha * stupid_backoff(word, ctx[1:], lower, alpha)
