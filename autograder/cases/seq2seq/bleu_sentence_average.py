"""corpus_bleu averages sentence-level BLEU scores instead of pooling the n-gram counts over the corpus.

expect: less
base: solution
hint: Look again at how corpus_bleu combines the sentences: the matched and total n-gram counts, and the
  lengths c and r, are added up over the whole corpus before anything is divided, so corpus BLEU is not
  the mean of sentence scores. Check by hand on a corpus of two sentences of different lengths that your
  result is the one from the pooled counts.
"""
# %% corpus_bleu
def corpus_bleu(hypotheses, references, max_n=4):
    def sentence(hyp, ref):
        logs = []
        for n in range(1, max_n + 1):
            h = Counter(tuple(hyp[j:j + n]) for j in range(len(hyp) - n + 1))
            r = Counter(tuple(ref[j:j + n]) for j in range(len(ref) - n + 1))
            m, t = sum((h & r).values()), sum(h.values())
            if m == 0:
                return 0.0
            logs.append(math.log(m / t))
        bp = 1.0 if len(hyp) > len(ref) else math.exp(1 - len(ref) / len(hyp))
        return 100.0 * bp * math.exp(sum(logs) / max_n)
    return sum(sentence(h, r) for h, r in zip(hypotheses, references)) / len(hypotheses)   # mistake: a mean
