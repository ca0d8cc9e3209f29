"""Benchmark the reference n-gram solution against nltk.lm on the Shakespeare split.

    python benchmarks/bench_ngram.py [--n 3] [--sample 200]

Both sides are trained on the same padded n-grams of the training split (vocabulary: training words
seen at least twice, plus </s> and <unk>; everything else is <unk>), so their counts are identical.
Printed for Laplace (add-one) and interpolated Kneser-Ney (discount 0.75):

* fit time: ours = count_ngrams for every order 1..n (plus the Kneser-Ney tables, built once);
  nltk = building the same padded n-grams and LanguageModel.fit (done once: nltk's Kneser-Ney
  models reuse the Laplace model's counts, since nltk's fit is the same counting for both);
* scoring time and tokens/second: ours on the whole test split; nltk Laplace on the whole test split;
  nltk Kneser-Ney on a fixed random sample of --sample test tokens only, because every nltk
  lower-order Kneser-Ney query scans all contexts of the order above;
* perplexities side by side on the same tokens.

Laplace follows the same conventions on both sides, so its perplexities are equal. nltk's
KneserNeyInterpolated differs from the course spec only at the unigram level (nltk uses the raw
continuation probability, the spec interpolates it with 1/V); the "nltk KN (spec unigram)" row uses
nltk's estimator with that one method overridden and must equal ours.
"""
import argparse
import math
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from nltk_spec import spec_kneser_ney_class  # noqa: E402
from solution_code import load_solution  # noqa: E402


def padded_ngrams(sentence, m):
    tokens = ["<s>"] * (m - 1) + list(sentence) + ["</s>"]
    return [tuple(tokens[i - m + 1 : i + 1]) for i in range(m - 1, len(tokens))]


def nltk_vocabulary(vocab):
    from nltk.lm import Vocabulary

    class OurVocabulary(Vocabulary):
        """Our V words (nltk adds "<unk>" itself); "<s>" is looked up as itself but not counted."""

        def __contains__(self, item):
            return item == "<s>" or super().__contains__(item)

    nv = OurVocabulary(sorted(vocab - {"<unk>"}), unk_cutoff=1, unk_label="<unk>")
    assert len(nv) == len(vocab)
    return nv


def timed(fn):
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def ppl_from_probs(probs):
    if min(probs) <= 0:
        return float("inf")
    return math.exp(-sum(math.log(p) for p in probs) / len(probs))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=3, help="model order (default 3)")
    parser.add_argument("--sample", type=int, default=200, help="test tokens scored by nltk Kneser-Ney (default 200)")
    parser.add_argument("--discount", type=float, default=0.75)
    args = parser.parse_args(argv)
    n, d = args.n, args.discount

    from nltk.lm import KneserNeyInterpolated, Laplace
    from nltk.lm.models import InterpolatedLanguageModel

    from lmcourse import data

    ref = load_solution("ngram")
    train_raw = data.shakespeare_sentences("train")
    vocab = ref["build_vocab"](train_raw, min_count=2)
    V = len(vocab)
    train = ref["replace_oov"](train_raw, vocab)
    test = ref["replace_oov"](data.shakespeare_sentences("test"), vocab)
    test_grams = [g for s in test for g in padded_ngrams(s, n)]
    sample = random.Random(0).sample(test_grams, min(args.sample, len(test_grams)))
    print(f"Shakespeare train -> test, order n = {n}, V = {V}, "
          f"{sum(len(s) + 1 for s in train)} training tokens, {len(test_grams)} test tokens, "
          f"nltk Kneser-Ney sample {len(sample)} tokens, discount {d}")

    rows = []  # (model, fit s, scored tokens, score s, perplexity)

    # ---------------------------------------------------------------- ours
    models, fit_ours = timed(lambda: {m: ref["count_ngrams"](train, m) for m in range(1, n + 1)})
    add_k, kn = ref["add_k_prob"], ref["kneser_ney_prob"]
    ng, cc = models[n]
    lap_probs, t = timed(lambda: [add_k(g[-1], g[:-1], ng, cc, V) for g in test_grams])
    rows.append(("ours Laplace", fit_ours, len(test_grams), t, ppl_from_probs(lap_probs)))
    _, t_tables = timed(lambda: ref["kn_tables"](models))
    kn_all, t = timed(lambda: [kn(g[-1], g[:-1], models, V, d) for g in test_grams])
    rows.append(("ours KN (whole test)", fit_ours + t_tables, len(test_grams), t, ppl_from_probs(kn_all)))
    kn_sample, t = timed(lambda: [kn(g[-1], g[:-1], models, V, d) for g in sample])
    rows.append(("ours KN (sample)", fit_ours + t_tables, len(sample), t, ppl_from_probs(kn_sample)))
    ours_kn_rate = len(test_grams) / rows[1][3]

    # ---------------------------------------------------------------- nltk
    nv = nltk_vocabulary(vocab)

    def fit(lm):
        lm.fit([[g for m in range(1, n + 1) for g in padded_ngrams(s, m)] for s in train])
        return lm

    laplace, t_fit = timed(lambda: fit(Laplace(n, vocabulary=nv)))
    lap_ppl, t = timed(lambda: laplace.perplexity(test_grams))
    rows.append(("nltk Laplace", t_fit, len(test_grams), t, lap_ppl))

    # nltk's Kneser-Ney fit is the same counting as Laplace's: share the counts, report the same fit time
    stock = KneserNeyInterpolated(n, discount=d, vocabulary=nv)
    stock.counts = stock.estimator.counts = laplace.counts
    probs, t = timed(lambda: [stock.unmasked_score(g[-1], g[:-1]) for g in sample])
    rows.append(("nltk KN (nltk unigram)", t_fit, len(sample), t, ppl_from_probs(probs)))
    nltk_kn_rate = len(sample) / t

    spec = InterpolatedLanguageModel(spec_kneser_ney_class(), n, vocabulary=nv, params={"discount": d, "order": n})
    spec.counts = spec.estimator.counts = laplace.counts
    probs_spec, t = timed(lambda: [spec.unmasked_score(g[-1], g[:-1]) for g in sample])
    rows.append(("nltk KN (spec unigram)", t_fit, len(sample), t, ppl_from_probs(probs_spec)))
    worst = max(abs(a - b) / b for a, b in zip(kn_sample, probs_spec))

    # ---------------------------------------------------------------- report
    print()
    print(f"{'model':24s} {'fit s':>7s} {'tokens':>7s} {'score s':>8s} {'tokens/s':>10s} {'perplexity':>11s}")
    for name, fit_s, tokens, score_s, ppl in rows:
        print(f"{name:24s} {fit_s:7.2f} {tokens:7d} {score_s:8.3f} {tokens / score_s:10.0f} {ppl:11.4f}")
    print()
    print(f"Laplace perplexity: ours {rows[0][4]:.6f}, nltk {lap_ppl:.6f} "
          f"(relative difference {abs(rows[0][4] - lap_ppl) / lap_ppl:.1e})")
    print(f"KN on the sample: largest relative difference ours vs nltk (spec unigram): {worst:.1e}")
    print(f"KN scoring speed: ours {ours_kn_rate:.0f} tokens/s, nltk {nltk_kn_rate:.1f} tokens/s: "
          f"ours is {ours_kn_rate / nltk_kn_rate:.0f}x faster")
    return 0


if __name__ == "__main__":
    sys.exit(main())
