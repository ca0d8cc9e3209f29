"""corpus_bleu leaves out the brevity penalty: short hypotheses score on precision alone.

expect: less
base: solution
hint: Look again at the brevity penalty in corpus_bleu: with c the total number of hypothesis tokens and r
  that of the references, BP is exp(1 - r / c) unless c > r, and it multiplies the geometric mean of the
  precisions. Check by hand that a hypothesis that is only the first part of its reference scores less
  than 100.
"""
# %% corpus_bleu
def corpus_bleu(hypotheses, references, max_n=4):
    matches, totals = [0] * max_n, [0] * max_n
    for hyp, ref in zip(hypotheses, references):
        for n in range(1, max_n + 1):
            h = Counter(tuple(hyp[j:j + n]) for j in range(len(hyp) - n + 1))
            r = Counter(tuple(ref[j:j + n]) for j in range(len(ref) - n + 1))
            matches[n - 1] += sum((h & r).values())
            totals[n - 1] += sum(h.values())
    if min(matches) == 0:
        return 0.0
    return 100.0 * math.exp(sum(math.log(m / t) for m, t in zip(matches, totals)) / max_n)   # mistake: no BP
