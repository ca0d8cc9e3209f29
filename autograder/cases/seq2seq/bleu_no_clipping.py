"""corpus_bleu counts every hypothesis n-gram found in the reference, however often it occurs there (no clipping).

expect: less
base: solution
hint: Look again at the clipped n-gram precision in corpus_bleu: each n-gram of a hypothesis counts as
  matched at most as many times as it occurs in that sentence's reference. Check that "the the the the"
  against a reference holding a single "the" gets a unigram precision of 1/4, not 1.
"""
# %% corpus_bleu
def corpus_bleu(hypotheses, references, max_n=4):
    matches, totals = [0] * max_n, [0] * max_n
    c = r = 0
    for hyp, ref in zip(hypotheses, references):
        c, r = c + len(hyp), r + len(ref)
        for n in range(1, max_n + 1):
            ref_grams = {tuple(ref[j:j + n]) for j in range(len(ref) - n + 1)}
            hyp_grams = [tuple(hyp[j:j + n]) for j in range(len(hyp) - n + 1)]
            matches[n - 1] += sum(g in ref_grams for g in hyp_grams)        # mistake: not clipped
            totals[n - 1] += len(hyp_grams)
    if c == 0 or min(matches) == 0:
        return 0.0
    bp = 1.0 if c > r else math.exp(1 - r / c)
    return 100.0 * bp * math.exp(sum(math.log(m / t) for m, t in zip(matches, totals)) / max_n)
