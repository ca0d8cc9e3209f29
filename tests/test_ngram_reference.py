"""The reference solution of the `ngram` assignment (solutions/ngram/ngram.ipynb).

Part 1 checks every graded function on tiny corpora whose probabilities are worked out by hand in
the comments (exact fractions), and that the smoothed models are distributions over the vocabulary.
Part 2 checks agreement with nltk.lm on the Shakespeare split (relative tolerance 1e-9), feeding
nltk our own padded n-grams so that both count exactly the same things.
"""
import math
import random
import sys
from collections import Counter
from fractions import Fraction as F
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from nltk_spec import spec_kneser_ney_class  # noqa: E402
from solution_code import load_solution  # noqa: E402

REL = 1e-12


@pytest.fixture(scope="module")
def ref():
    return load_solution("ngram")


def close(x, y, rel=REL):
    return math.isclose(x, float(y), rel_tol=rel, abs_tol=0.0)


# Toy corpus used throughout Part 1:
#   <s> a b </s>     <s> b a b </s>     <s> a c </s>      (bigram padding)
TOY = [["a", "b"], ["b", "a", "b"], ["a", "c"]]
VOCAB = {"a", "b", "c", "</s>", "<unk>"}  # V = 5
V = 5


@pytest.fixture(scope="module")
def toy(ref):
    return {m: ref["count_ngrams"](TOY, m) for m in (1, 2, 3)}


# ---------------------------------------------------------------------------- docstring promises
def test_docstring_promises(ref, toy):
    """Return types, new lists, inputs and models left alone: what the graded docstrings promise."""
    import copy

    corpus = [["a", "b"], ["zebra"], ["b"]]
    saved = copy.deepcopy(corpus)
    grams, contexts = ref["count_ngrams"](corpus, 2)
    assert isinstance(grams, dict) and isinstance(contexts, dict)
    vocab = ref["build_vocab"](corpus + [["<s>", "<s>"]], min_count=1)
    assert isinstance(vocab, set) and "<s>" not in vocab and all(isinstance(w, str) for w in vocab)
    out = ref["replace_oov"](corpus, {"a", "b", "</s>", "<unk>"})
    assert out == [["a", "b"], ["<unk>"], ["b"]] and out is not corpus and all(o is not s for o, s in zip(out, corpus))
    assert corpus == saved
    models = copy.deepcopy(toy)
    probs = [ref["mle_prob"]("a", ("<unk>",), *models[2]), ref["add_k_prob"]("b", ("a",), *models[2], V),
             ref["stupid_backoff"]("c", ("a", "b"), models), ref["interpolated_prob"]("b", ("a", "b"), models, (0.1, 0.2, 0.3, 0.4), V),
             ref["kneser_ney_prob"]("b", ("a", "b"), models, V)]
    assert all(isinstance(p, float) and 0.0 <= p <= 1.0 for p in probs)
    assert models == toy
    assert isinstance(ref["perplexity"](lambda w, c: 0.5, corpus, 2), float)
    assert ref["perplexity"](lambda w, c: 0.0, corpus, 2) == float("inf") and corpus == saved


# ---------------------------------------------------------------------------- counting
def test_count_ngrams_toy(ref):
    grams, contexts = ref["count_ngrams"](TOY, 2)
    assert grams == Counter({("<s>", "a"): 2, ("a", "b"): 2, ("b", "</s>"): 2, ("<s>", "b"): 1,
                             ("b", "a"): 1, ("a", "c"): 1, ("c", "</s>"): 1})
    # contexts are n-gram prefixes: "a" starts 3 bigrams, "c" 1, "</s>" none
    assert contexts == Counter({("<s>",): 3, ("a",): 3, ("b",): 3, ("c",): 1})
    grams, contexts = ref["count_ngrams"](TOY, 1)
    assert grams == Counter({("a",): 3, ("b",): 3, ("c",): 1, ("</s>",): 3})
    assert contexts == Counter({(): 10})
    grams, contexts = ref["count_ngrams"](TOY, 3)
    assert grams[("<s>", "<s>", "a")] == 2 and grams[("a", "b", "</s>")] == 2 and sum(grams.values()) == 10
    assert contexts == Counter({("<s>", "<s>"): 3, ("<s>", "a"): 2, ("a", "b"): 2, ("<s>", "b"): 1,
                                ("b", "a"): 1, ("a", "c"): 1})


def test_vocab_and_oov(ref):
    corpus = [["a", "b", "a"], ["c", "a", "b"]]  # a 3, b 2, c 1
    assert ref["build_vocab"](corpus) == {"a", "b", "</s>", "<unk>"}
    assert ref["build_vocab"](corpus, min_count=1) == {"a", "b", "c", "</s>", "<unk>"}
    assert ref["replace_oov"](corpus, {"a", "</s>", "<unk>"}) == [["a", "<unk>", "a"], ["<unk>", "a", "<unk>"]]
    assert corpus == [["a", "b", "a"], ["c", "a", "b"]]


# ---------------------------------------------------------------------------- MLE, add-k
def test_mle_prob(ref, toy):
    mle = ref["mle_prob"]
    assert mle("b", ("a",), *toy[2]) == 2 / 3          # count(a b) / count(a) = 2/3
    assert mle("a", (), *toy[1]) == 3 / 10             # 3 of 10 tokens
    assert mle("b", ("<s>", "a"), *toy[3]) == 1 / 2    # count(<s> a b) / count(<s> a)
    assert mle("a", ("<unk>",), *toy[2]) == 0.0        # unseen context
    assert mle("</s>", ("a", "b"), *toy[3]) == 1.0     # count(a b </s>) / count(a b) = 2/2


def test_add_k_prob(ref, toy):
    addk = ref["add_k_prob"]
    assert close(addk("b", ("a",), *toy[2], V), F(3, 8))          # (2 + 1) / (3 + 5)
    assert close(addk("b", ("a",), *toy[2], V, k=0.5), F(5, 11))  # 2.5 / 5.5
    assert close(addk("a", ("<unk>",), *toy[2], V, k=0.1), F(1, 5))  # unseen context: uniform
    assert close(addk("a", (), *toy[1], V, k=2), F(1, 4))         # (3 + 2) / (10 + 10)
    for n in (1, 2, 3):
        for ctx in list(toy[n][1]) + [("<unk>",) * (n - 1)]:
            for k in (1.0, 0.1):
                assert close(sum(addk(w, ctx, *toy[n], V, k) for w in VOCAB), 1)


# ---------------------------------------------------------------------------- backoff, interpolation
def test_stupid_backoff(ref, toy):
    sb = ref["stupid_backoff"]
    assert sb("b", ("<s>", "a"), toy) == 1 / 2                      # seen trigram: 1/2
    assert close(sb("a", ("a", "b"), toy), F(2, 5) * F(1, 3))     # 0.4 * count(b a) / count(b)
    assert close(sb("c", ("a", "b"), toy), F(4, 25) * F(1, 10))   # 0.4^2 * count(c) / 10
    assert close(sb("c", ("a", "b"), toy, alpha=0.5), F(1, 4) * F(1, 10))
    assert sb("<unk>", ("a", "b"), toy) == 0.0
    assert close(sb("c", ("a",), toy), F(1, 3))                   # short context: start at bigrams


def test_interpolated_prob(ref, toy):
    ip = ref["interpolated_prob"]
    lam = (0.1, 0.2, 0.3, 0.4)
    # 0.1/5 + 0.2 * 3/10 + 0.3 * 2/3 + 0.4 * 1/2 = 0.48
    assert close(ip("b", ("<s>", "a"), toy, lam, V), F(12, 25))
    # context (c b) unseen at order 3: 0.1/5 + 0.2 * 3/10 + 0.3 * 1/3 + 0.4/5 = 0.26
    assert close(ip("a", ("c", "b"), toy, lam, V), F(13, 50))
    # bigram mixture, lambdas (0.2, 0.3, 0.5): 0.04 + 0.09 + 0.5 * 2/3
    assert close(ip("b", ("a",), toy, (0.2, 0.3, 0.5), V), F(1, 25) + F(9, 100) + F(1, 3))
    for ctx in [("<s>", "<s>"), ("a", "b"), ("c", "b"), ("<unk>", "<unk>")]:
        assert close(sum(ip(w, ctx, toy, lam, V) for w in VOCAB), 1)


# ---------------------------------------------------------------------------- Kneser-Ney
# Continuation counts of the unigrams (distinct left neighbours among the 7 bigram types):
#   a: {<s>, b} 2   b: {<s>, a} 2   c: {a} 1   </s>: {b, c} 2   -> total 7, N1+ = 4
# P1(w) = max(cc(w) - 3/4, 0)/7 + (3/4 * 4/7) * 1/5 = max(cc(w) - 3/4, 0)/7 + 3/35
#   P1(a) = P1(b) = P1(</s>) = 5/28 + 3/35 = 37/140;  P1(c) = 1/28 + 3/35 = 17/140;  P1(<unk>) = 3/35
P1 = {"a": F(37, 140), "b": F(37, 140), "</s>": F(37, 140), "c": F(17, 140), "<unk>": F(3, 35)}
D = F(3, 4)


def test_kneser_ney_bigram_toy(ref, toy):
    kn = ref["kneser_ney_prob"]
    bigram = {1: toy[1], 2: toy[2]}
    assert sum(P1.values()) == 1
    # P(b | a) = (2 - 3/4)/3 + (3/4 * 2/3) * 37/140 = 5/12 + 37/280 = 461/840
    assert close(kn("b", ("a",), bigram, V), F(461, 840))
    # P(<unk> | a) = 1/2 * 3/35 = 3/70
    assert close(kn("<unk>", ("a",), bigram, V), F(3, 70))
    # unseen context: P1 whole
    assert close(kn("c", ("<unk>",), bigram, V), F(17, 140))
    # a whole conditional distribution: context b (count 3, followers </s> x2 and a x1, N1+ = 2)
    want = {w: max(c - D, 0) / 3 + D * 2 / 3 * P1[w] for w, c in
            {"a": 1, "b": 0, "c": 0, "</s>": 2, "<unk>": 0}.items()}
    assert sum(want.values()) == 1
    for w, p in want.items():
        assert close(kn(w, ("b",), bigram, V), p)
    # unigram-only model: raw counts at the top order, P(a) = (3 - 3/4)/10 + 3/4 * 4/10 * 1/5
    assert close(kn("a", (), {1: toy[1]}, V), F(9, 40) + F(3, 50))


def test_kneser_ney_trigram_toy(ref, toy):
    kn = ref["kneser_ney_prob"]
    # Bigram level with continuation counts from the 8 trigram types:
    #   context a: (<s> a b), (b a b) -> cc(a b) = 2; (<s> a c) -> cc(a c) = 1; total 3, N1+ = 2
    #   context b: (a b </s>) -> cc(b </s>) = 1; (<s> b a) -> cc(b a) = 1; total 2, N1+ = 2
    # P2(b | a) = (2 - 3/4)/3 + 3/4 * 2/3 * 37/140 = 461/840
    # P2(</s> | b) = (1 - 3/4)/2 + 3/4 * 2/2 * 37/140 = 1/8 + 111/560 = 181/560;  P2(a | b) = 181/560 too
    # P3(</s> | a b) = (2 - 3/4)/2 + 3/4 * 1/2 * 181/560 = 5/8 + 543/4480 = 3343/4480
    assert close(kn("</s>", ("a", "b"), toy, V), F(3343, 4480))
    # P3(b | <s> a) = (1 - 3/4)/2 + 3/4 * 2/2 * 461/840 = 1/8 + 1383/3360 = 601/1120
    assert close(kn("b", ("<s>", "a"), toy, V), F(601, 1120))
    # unseen trigram context (c b): P2(a | b) whole
    assert close(kn("a", ("c", "b"), toy, V), F(181, 560))
    # P3(<unk> | a b) = 3/8 * (3/4 * 3/35) = 27/1120
    assert close(kn("<unk>", ("a", "b"), toy, V), F(27, 1120))
    for ctx in [("<s>", "<s>"), ("<s>", "a"), ("a", "b"), ("c", "b"), ("<unk>", "<unk>")]:
        for d in (0.75, 0.5, 1.0):
            assert close(sum(kn(w, ctx, toy, V, d) for w in VOCAB), 1)


def test_kneser_ney_sums_random(ref):
    rng = random.Random(0)
    words = list("abcdefgh")
    corpus = [[rng.choice(words) for _ in range(rng.randint(1, 8))] for _ in range(80)]
    vocab = ref["build_vocab"](corpus, min_count=1)
    for n in (1, 2, 3, 4):
        models = {m: ref["count_ngrams"](corpus, m) for m in range(1, n + 1)}
        for _ in range(10):
            ctx = tuple(rng.choice(words + ["<s>"]) for _ in range(n - 1))
            probs = [ref["kneser_ney_prob"](w, ctx, models, len(vocab)) for w in vocab]
            assert min(probs) > 0 and close(sum(probs), 1, rel=1e-9)


# ---------------------------------------------------------------------------- perplexity
def test_perplexity(ref):
    ppl = ref["perplexity"]
    calls = []

    def half(word, context):
        calls.append((word, context))
        return 0.5

    assert ppl(half, [["x", "y"]], 3) == 2.0
    assert calls == [("x", ("<s>", "<s>")), ("y", ("<s>", "x")), ("</s>", ("x", "y"))]
    # 4 tokens at 1/4 and 2 at 1/2: H = (10/6) ln 2 -> PP = 2 ** (5/3)
    quarter = lambda w, c: 0.5 if w == "</s>" else 0.25
    assert close(ppl(quarter, [["a"], ["b", "c", "d"]], 2), 2 ** (5 / 3))
    assert ppl(lambda w, c: 0.0 if w == "c" else 1.0, [["a", "c"]], 2) == float("inf")


# ============================================================================ Part 2: nltk
TRAIN_LIMIT = 6000      # sentences of the training split (counting the whole split is slower than needed)
TEST_LIMIT = 400


def padded_ngrams(sentence, m):
    tokens = ["<s>"] * (m - 1) + list(sentence) + ["</s>"]
    return [tuple(tokens[i - m + 1 : i + 1]) for i in range(m - 1, len(tokens))]


@pytest.fixture(scope="module")
def shakespeare(ref):
    from lmcourse import data

    train_raw = data.shakespeare_sentences("train", limit=TRAIN_LIMIT)
    vocab = ref["build_vocab"](train_raw, min_count=2)
    train = ref["replace_oov"](train_raw, vocab)
    test = ref["replace_oov"](data.shakespeare_sentences("test", limit=TEST_LIMIT), vocab)
    models = {m: ref["count_ngrams"](train, m) for m in (1, 2, 3)}
    return train, test, vocab, models


def nltk_vocabulary(vocab):
    """nltk Vocabulary with exactly our V words; "<s>" is looked up as itself but not counted.

    nltk appends its unk_label to the words it keeps, so "<unk>" is left out of the counts.
    """
    from nltk.lm import Vocabulary

    class OurVocabulary(Vocabulary):
        def __contains__(self, item):
            return item == "<s>" or super().__contains__(item)

    nv = OurVocabulary(sorted(vocab - {"<unk>"}), unk_cutoff=1, unk_label="<unk>")
    assert len(nv) == len(vocab)
    assert nv.lookup("<s>") == "<s>" and nv.lookup("zzz-not-a-word") == "<unk>"
    return nv


def fit_nltk(lm, train, order):
    """Feed nltk our own padded n-grams of every order 1..order, so that lm.counts[m] == models[m]."""
    lm.fit([[g for m in range(1, order + 1) for g in padded_ngrams(s, m)] for s in train])
    return lm


@pytest.mark.slow
@pytest.mark.parametrize("n", [2, 3])
def test_lidstone_matches_nltk(ref, shakespeare, n):
    from nltk.lm import Laplace, Lidstone

    train, test, vocab, models = shakespeare
    V = len(vocab)
    nv = nltk_vocabulary(vocab)
    laplace = fit_nltk(Laplace(n, vocabulary=nv), train, n)
    lidstone = fit_nltk(Lidstone(0.1, n, vocabulary=nv), train, n)
    assert len(laplace.vocab) == V
    # nltk counts what we count
    ctx_counts = models[n][1]
    for ctx in list(ctx_counts)[:200]:
        assert laplace.counts[ctx].N() == ctx_counts[ctx]
    grams = [g for s in test for g in padded_ngrams(s, n)][:3000]
    add_k = ref["add_k_prob"]
    for g in grams:
        ctx, w = g[:-1], g[-1]
        assert math.isclose(add_k(w, ctx, *models[n], V), laplace.unmasked_score(w, ctx), rel_tol=1e-9)
        assert math.isclose(add_k(w, ctx, *models[n], V, k=0.1), lidstone.unmasked_score(w, ctx), rel_tol=1e-9)
    # perplexity: nltk's is 2 ** entropy over the same padded n-grams (</s> in, <s> never predicted)
    part = test[:150]
    part_grams = [g for s in part for g in padded_ngrams(s, n)]
    for lm, k in ((laplace, 1.0), (lidstone, 0.1)):
        ours = ref["perplexity"](lambda w, c: add_k(w, c, *models[n], V, k), part, n)
        assert math.isclose(ours, lm.perplexity(part_grams), rel_tol=1e-9)


@pytest.mark.slow
def test_kneser_ney_matches_nltk(ref, shakespeare):
    """nltk's KneserNeyInterpolated differs from the spec in one convention only: its unigram level is
    the raw continuation probability cc(w) / sum cc, where the spec interpolates it with 1/V like every
    other level. We subclass nltk's KneserNey estimator, override unigram_score with the spec's form
    and compare everything else as nltk computes it."""
    from nltk.lm.models import InterpolatedLanguageModel
    SpecKneserNey = spec_kneser_ney_class()

    train, test, vocab, models = shakespeare
    V = len(vocab)
    nv = nltk_vocabulary(vocab)
    # nltk's lower-order queries scan every context of the order above: use a small training slice
    small = train[:2000]
    small_models = {m: ref["count_ngrams"](small, m) for m in (1, 2, 3)}
    for d in (0.75, 0.9):
        lm = InterpolatedLanguageModel(SpecKneserNey, 3, vocabulary=nv, params={"discount": d, "order": 3})
        fit_nltk(lm, small, 3)
        grams = [g for s in test for g in padded_ngrams(s, 3)]
        sample = random.Random(1).sample(grams, 150)
        for g in sample:
            ours = ref["kneser_ney_prob"](g[-1], g[:-1], small_models, V, d)
            assert math.isclose(ours, lm.unmasked_score(g[-1], g[:-1]), rel_tol=1e-9), g
    # and the only difference from nltk's own class is the unigram level
    from nltk.lm import KneserNeyInterpolated

    stock = fit_nltk(KneserNeyInterpolated(3, discount=0.75, vocabulary=nv), small, 3)
    w = sample[0][-1]
    cc_word, total = stock.estimator._continuation_counts(w)
    assert math.isclose(stock.unmasked_score(w, ()), cc_word / total, rel_tol=1e-12)
