"""Reference code of the ``ngram`` unit: its vocabulary functions and a fast n-gram language model
with every smoother of the unit, for the lectures and the model comparison of unit 7.

Course staff only until the ngram unit's solutions are released (``course-grade release-solutions
ngram``): the student edition holds this module from then on, never before.

The course's conventions, used everywhere in this module:

- a sentence is a sequence of tokens (a list of ``str``; a ``str`` works too, one token per
  character, for character-level models);
- an order-``n`` model pads every sentence with ``n - 1`` ``"<s>"`` on the left and one ``"</s>"``
  on the right; ``"<s>"`` is only ever context, never predicted; ``"</s>"`` is predicted;
- the vocabulary is a list holding ``"</s>"`` and ``"<unk>"`` but never ``"<s>"``; its length is V;
  tokens outside it are read as ``"<unk>"``;
- contexts are tuples of tokens, oldest first; an order-m estimate looks at the last m - 1 of them,
  and an order whose context is longer than the tuple given counts as an unseen context.

How it is fast: tokens become integer ids and every m-gram is numbered by the pair
(id of its first m - 1 tokens, id of its last token), so the count tables of all orders are sorted
NumPy arrays built with ``np.unique`` and read with ``np.searchsorted``. Scoring a corpus looks up
all its n-grams at once; no Python loop runs over tokens except to turn strings into ids.

Example::

    from lmcourse import data
    from lmcourse.reference.ngram import NGramLM, build_vocab
    train = data.shakespeare_sentences("train")
    lm = NGramLM(3, smoothing="kn").fit(train, build_vocab(train, min_count=2))
    lm.perplexity(data.shakespeare_sentences("validation"))
"""
import copy
import math
import time
from collections import Counter

import numpy as np

from lmcourse.ngram import BOS, EOS, UNK

SMOOTHINGS = ("kn", "add_k", "mle", "interp")


# --------------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------------
def build_vocab(sentences, min_count=2):
    """The vocabulary of a training corpus.

    Args:
        sentences: iterable of token sequences.
        min_count: keep the tokens seen at least this often.
    Returns:
        list of str: ``["</s>", "<unk>"]`` followed by the kept tokens in sorted order
        (``"<s>"`` is never included, even if it occurs in ``sentences``).
    """
    counts = Counter(w for s in sentences for w in s)
    kept = sorted(w for w, c in counts.items() if c >= min_count and w not in (BOS, EOS, UNK))
    return [EOS, UNK] + kept


def replace_oov(sentences, vocab):
    """Replace every token outside ``vocab`` by ``"<unk>"``.

    Args:
        sentences: iterable of token sequences.
        vocab: list or set of tokens.
    Returns:
        list of lists of str (new lists; the input is not modified).
    """
    known = set(vocab)
    return [[w if w in known else UNK for w in s] for s in sentences]


def _unique_inverse(codes):
    """``np.unique(codes, return_inverse=True)`` for non-negative int64 codes, faster.

    When code and position fit together in 62 bits, one plain sort of ``code << bits | position``
    replaces the (several times slower) argsort that ``np.unique`` does.
    """
    pos_bits = max(int(len(codes) - 1).bit_length(), 1)
    if len(codes) == 0 or int(codes.max()).bit_length() + pos_bits > 62:
        return np.unique(codes, return_inverse=True)
    packed = np.sort((codes << pos_bits) | np.arange(len(codes), dtype=np.int64))
    sorted_codes = packed >> pos_bits
    new = np.empty(len(codes), dtype=bool)
    new[0] = True
    np.not_equal(sorted_codes[1:], sorted_codes[:-1], out=new[1:])
    inverse = np.empty(len(codes), dtype=np.int64)
    inverse[packed & ((1 << pos_bits) - 1)] = np.cumsum(new) - 1
    return sorted_codes[new], inverse


# --------------------------------------------------------------------------------------------
# The model
# --------------------------------------------------------------------------------------------
class NGramLM:
    """An order-``n`` language model estimated from counts.

    Smoothing (``P_m`` is the estimate of order m, ``c`` a count, ``ctx`` the last m - 1 tokens):

    ``"mle"``
        ``c(ctx, w) / c(ctx)``; 0 for every word when the context was never seen (so not a
        distribution there).
    ``"add_k"``
        ``(c(ctx, w) + k) / (c(ctx) + k V)``; ``k = 1`` is add-one (Laplace).
    ``"interp"``
        ``lambdas[0] / V + sum_{m=1..n} lambdas[m] P_MLE_m(w | ctx)``; when the order-m context was
        never seen, ``lambdas[m]`` moves to the uniform term. ``lambdas`` has n + 1 entries
        summing to 1 (default: all equal); :meth:`fit_lambdas` estimates them on held-out text.
    ``"kn"``
        interpolated Kneser-Ney with one discount d at every order. Top order:
        ``max(c(ctx, w) - d, 0) / c(ctx) + d N1+(ctx .) / c(ctx) * P_{n-1}(w | ctx[1:])``; lower
        orders the same with continuation counts ``N1+(. ctx w)`` (distinct tokens seen before
        ``ctx w`` among the next order's n-grams) in place of counts; the lowest order is
        interpolated with the uniform ``1 / V``. A context without counts at its order passes the
        lower order's probability on unchanged.

    Every smoothing except ``"mle"`` gives a distribution over the V tokens of the vocabulary for
    every context.

    Args:
        n: the order (1 = unigram, 2 = bigram, ...).
        smoothing: one of ``"kn"``, ``"add_k"``, ``"mle"``, ``"interp"``.
        k: the pseudo-count of ``"add_k"`` (> 0).
        discount: the discount d of ``"kn"`` (0 <= d <= 1).
        lambdas: the n + 1 weights of ``"interp"`` (uniform term first).
    """

    def __init__(self, n, smoothing="kn", k=1.0, discount=0.75, lambdas=None):
        if int(n) != n or n < 1:
            raise ValueError(f"n must be a positive integer, not {n!r}")
        if smoothing not in SMOOTHINGS:
            raise ValueError(f"smoothing must be one of {SMOOTHINGS}, not {smoothing!r}")
        if not k > 0:
            raise ValueError(f"k must be positive, not {k!r}")
        if not 0 <= discount <= 1:
            raise ValueError(f"discount must lie in [0, 1], not {discount!r}")
        self.n = int(n)
        self.smoothing = smoothing
        self.k = float(k)
        self.discount = float(discount)
        self.lambdas = None
        self.set_lambdas(lambdas if lambdas is not None else [1.0 / (self.n + 1)] * (self.n + 1))
        self.vocab = None

    def __repr__(self):
        extra = {"kn": f"discount={self.discount}", "add_k": f"k={self.k}", "mle": "",
                 "interp": f"lambdas={np.round(self.lambdas, 4).tolist()}"}[self.smoothing]
        fitted = f", V={self.V}" if self.vocab is not None else ", not fitted"
        return f"NGramLM(n={self.n}, smoothing={self.smoothing!r}{', ' + extra if extra else ''}{fitted})"

    def with_smoothing(self, smoothing=None, k=None, discount=None, lambdas=None):
        """A copy of this fitted model that shares its count tables but smooths differently.

        Counting is the slow part of fitting, so comparing smoothings (or values of k and d) on one
        corpus needs only one :meth:`fit`. Arguments left as None keep this model's values.

        Returns:
            a new NGramLM
        """
        new = copy.copy(self)
        checked = NGramLM(self.n, smoothing or self.smoothing, self.k if k is None else k,
                          self.discount if discount is None else discount,
                          self.lambdas if lambdas is None else lambdas)
        new.smoothing, new.k, new.discount, new.lambdas = (checked.smoothing, checked.k,
                                                           checked.discount, checked.lambdas)
        return new

    def set_lambdas(self, lambdas):
        """Set the interpolation weights (n + 1 non-negative numbers summing to 1)."""
        lam = np.asarray(lambdas, dtype=np.float64)
        if lam.shape != (self.n + 1,) or np.any(lam < 0) or abs(lam.sum() - 1) > 1e-9:
            raise ValueError(f"lambdas must be {self.n + 1} non-negative weights summing to 1, got {lambdas!r}")
        self.lambdas = lam
        return self

    # ---------------------------------------------------------------- encoding
    def _encode(self, sentences):
        """Token ids of the padded sentences, one stream, and each position's offset in its sentence."""
        n = self.n
        get, unk, bos, eos = self.index.get, self.index[UNK], self._bos, self.index[EOS]
        sentences = sentences if isinstance(sentences, (list, tuple)) else list(sentences)
        if sentences and all(isinstance(s, str) for s in sentences):
            return self._encode_strings(sentences)
        left = [bos] * (n - 1)
        flat, lengths = [], []
        for s in sentences:
            flat += left
            flat += [get(w, unk) for w in s]
            flat.append(eos)
            lengths.append(len(s) + n)
        tok = np.array(flat, dtype=np.int64)
        lengths = np.array(lengths, dtype=np.int64)
        return tok, self._offsets(lengths)

    @staticmethod
    def _offsets(lengths):
        starts = np.cumsum(lengths) - lengths
        return np.arange(lengths.sum(), dtype=np.int64) - np.repeat(starts, lengths)

    def _encode_strings(self, sentences):
        """:meth:`_encode` for character-level text: a table from code points to ids, no Python loop."""
        n, unk = self.n, self.index[UNK]
        chars = np.frombuffer("".join(sentences).encode("utf-32-le"), dtype=np.uint32)
        table = np.full(int(chars.max(initial=0)) + 1, unk, dtype=np.int64)
        for w, i in self.index.items():
            if len(w) == 1 and ord(w) < len(table):
                table[ord(w)] = i
        lens = np.fromiter((len(s) for s in sentences), dtype=np.int64, count=len(sentences))
        lengths = lens + n
        tok = np.full(int(lengths.sum()), self._bos, dtype=np.int64)
        sent = np.repeat(np.arange(len(sentences), dtype=np.int64), lens)
        tok[np.arange(len(chars), dtype=np.int64) + sent * n + (n - 1)] = table[chars]
        tok[np.cumsum(lengths) - 1] = self.index[EOS]
        return tok, self._offsets(lengths)

    def _ids(self, tokens):
        """Ids of context tokens: ``"<s>"`` is allowed, unknown tokens become ``"<unk>"``."""
        unk = self.index[UNK]
        return [self._bos if w == BOS else self.index.get(w, unk) for w in tokens]

    # ---------------------------------------------------------------- fitting
    def fit(self, sentences, vocab=None):
        """Count the n-grams of every order 1..n in ``sentences``.

        Args:
            sentences: list of token sequences (tokens outside ``vocab`` count as ``"<unk>"``).
            vocab: list of tokens with ``"</s>"`` and ``"<unk>"`` and without ``"<s>"``; by default
                every token of ``sentences`` (``build_vocab(sentences, min_count=1)``).
        Returns:
            self
        """
        if vocab is None:
            vocab = build_vocab(sentences, min_count=1)
        vocab = list(vocab)
        if BOS in vocab or EOS not in vocab or UNK not in vocab:
            raise ValueError('the vocabulary must contain "</s>" and "<unk>" and must not contain "<s>"')
        if len(set(vocab)) != len(vocab):
            raise ValueError("the vocabulary has repeated tokens")
        self.vocab = vocab
        self.V = len(vocab)
        self.index = {w: i for i, w in enumerate(vocab)}
        self._bos = self.V  # "<s>" gets the id after the vocabulary's
        self._base = self.V + 1  # code of an m-gram = id(first m-1 tokens) * base + id(last token)

        n, base = self.n, self._base
        tok, offs = self._encode(sentences)
        target = tok != self._bos
        self.n_tokens = int(target.sum())
        self._keys = [None] * (n + 1)  # sorted codes of the m-grams (index = the m-gram's id)
        self._count = [None] * (n + 1)  # c(m-gram), over predicted positions
        self._cont = [None] * (n + 1)  # N1+(. m-gram), for m < n
        self._ctx_count = [None] * (n + 1)  # per context id (an (m-1)-gram id): sum of counts
        self._ctx_types = [None] * (n + 1)  # N1+(ctx .)
        self._ctx_cont = [None] * (n + 1)  # sum of continuation counts
        self._ctx_cont_types = [None] * (n + 1)

        prev = None
        tgt_idx = np.flatnonzero(target)
        for m in range(1, n + 1):
            if m == 1:
                keys, gid = np.arange(base, dtype=np.int64), tok
            else:
                idx = np.flatnonzero(offs >= m - 1)  # positions where a whole m-gram fits
                keys, inv = _unique_inverse(prev[idx - 1] * base + tok[idx])
                gid = np.full(len(tok), -1, dtype=np.int64)
                gid[idx] = inv
            cnt = np.bincount(gid[tgt_idx], minlength=len(keys))
            self._keys[m], self._count[m] = keys, cnt
            n_ctx = 1 if m == 1 else len(self._keys[m - 1])
            prefix = keys // base
            self._ctx_count[m] = np.bincount(prefix, weights=cnt, minlength=n_ctx)
            self._ctx_types[m] = np.bincount(prefix[cnt > 0], minlength=n_ctx)
            if m >= 2:  # continuation counts of the order below: distinct left extensions
                suffix = np.zeros(len(keys), dtype=np.int64)
                suffix[gid[tgt_idx]] = prev[tgt_idx]
                cont = np.bincount(suffix[cnt > 0], minlength=len(self._keys[m - 1]))
                self._set_cont(m - 1, cont)
            prev = gid
        return self

    def _set_cont(self, m, cont):
        n_ctx = 1 if m == 1 else len(self._keys[m - 1])
        prefix = self._keys[m] // self._base
        self._cont[m] = cont
        self._ctx_cont[m] = np.bincount(prefix, weights=cont, minlength=n_ctx)
        self._ctx_cont_types[m] = np.bincount(prefix[cont > 0], minlength=n_ctx)

    def _check_fitted(self):
        if self.vocab is None:
            raise RuntimeError("call fit(sentences, vocab) first")

    # ---------------------------------------------------------------- look-ups
    def _lookup(self, m, prefix, last):
        """Ids of the m-grams (prefix id, last token id); -1 where unseen (or prefix is -1)."""
        prefix = np.asarray(prefix, dtype=np.int64)
        last = np.asarray(last, dtype=np.int64)
        if m == 1:
            return np.broadcast_to(last, np.broadcast(prefix, last).shape).copy()
        keys = self._keys[m]
        if len(keys) == 0:
            return np.full(np.broadcast(prefix, last).shape, -1, dtype=np.int64)
        code = prefix * self._base + last
        pos = np.minimum(np.searchsorted(keys, code), len(keys) - 1)
        return np.where((prefix >= 0) & (keys[pos] == code), pos, -1)

    def _context_ids(self, context):
        """Per order m = 1..n, the id of the order-m context (the last m-1 tokens); -1 if unseen."""
        toks = self._ids(tuple(context)[max(len(context) - (self.n - 1), 0):] if self.n > 1 else ())
        ctx = [None, 0]
        for m in range(2, self.n + 1):
            if len(toks) < m - 1:
                ctx.append(-1)
                continue
            gid = 0
            for j, t in enumerate(toks[len(toks) - (m - 1):]):
                gid = int(self._lookup(j + 1, gid, t))
                if gid < 0:
                    break
            ctx.append(gid)
        return ctx

    def _probs(self, ctx, grams):
        """Probabilities from per-order context ids ``ctx[m]`` and n-gram ids ``grams[m]``."""
        n, V = self.n, self.V
        shape = np.shape(grams[1])

        def gather(arr, ids):
            ids = np.asarray(ids)
            return np.where(ids >= 0, arr[np.maximum(ids, 0)], 0)

        if self.smoothing in ("mle", "add_k"):
            c = gather(self._count[n], grams[n]).astype(np.float64)
            tot = gather(self._ctx_count[n], np.broadcast_to(ctx[n], shape))
            if self.smoothing == "add_k":
                return (c + self.k) / (tot + self.k * V)
            with np.errstate(divide="ignore", invalid="ignore"):
                return np.where(tot > 0, c / tot, 0.0)
        if self.smoothing == "interp":
            lam = self.lambdas
            p = np.full(shape, lam[0] / V)
            for m in range(1, n + 1):
                c = gather(self._count[m], grams[m])
                tot = gather(self._ctx_count[m], np.broadcast_to(ctx[m], shape))
                with np.errstate(divide="ignore", invalid="ignore"):
                    p = p + lam[m] * np.where(tot > 0, c / tot, 1.0 / V)
            return p
        # interpolated Kneser-Ney
        d = self.discount
        p = np.full(shape, 1.0 / V)
        for m in range(1, n + 1):
            top = m == n
            c = gather(self._count[m] if top else self._cont[m], grams[m])
            cx = np.broadcast_to(ctx[m], shape)
            tot = gather(self._ctx_count[m] if top else self._ctx_cont[m], cx)
            types = gather(self._ctx_types[m] if top else self._ctx_cont_types[m], cx)
            with np.errstate(divide="ignore", invalid="ignore"):
                new = (np.maximum(c - d, 0.0) + d * types * p) / tot
            p = np.where(tot > 0, new, p)
        return p

    def _stream(self, sentences):
        """Context and n-gram ids of every predicted position of ``sentences``."""
        n = self.n
        tok, offs = self._encode(sentences)
        gids = [None, tok]
        for m in range(2, n + 1):
            g = np.full(len(tok), -1, dtype=np.int64)
            idx = np.flatnonzero(offs >= m - 1)
            g[idx] = self._lookup(m, gids[m - 1][idx - 1], tok[idx])
            gids.append(g)
        t = np.flatnonzero(tok != self._bos)
        ctx = [None, np.zeros(len(t), dtype=np.int64)] + [gids[m - 1][t - 1] for m in range(2, n + 1)]
        grams = [None] + [gids[m][t] for m in range(1, n + 1)]
        return tok[t], ctx, grams

    # ---------------------------------------------------------------- public scoring
    def prob(self, word, context=()):
        """P(word | context).

        Args:
            word: a token (outside the vocabulary: ``"<unk>"``); ``"<s>"`` is never predicted.
            context: tuple of preceding tokens, oldest first (only the last n - 1 are used).
        Returns:
            float
        """
        self._check_fitted()
        if word == BOS:
            raise ValueError('"<s>" is never predicted')
        w = self._ids([word])[0]
        ctx = self._context_ids(context)
        grams = [None] + [self._lookup(m, ctx[m], w) for m in range(1, self.n + 1)]
        return float(self._probs(ctx, grams))

    def logprob(self, word, context=()):
        """Natural log of :meth:`prob` (``-inf`` for probability 0)."""
        p = self.prob(word, context)
        return math.log(p) if p > 0 else -math.inf

    def next_distribution(self, context=()):
        """P(w | context) for every w of the vocabulary.

        Args:
            context: tuple of preceding tokens (the last n - 1 are used).
        Returns:
            float64 array of shape (V,), in the order of ``self.vocab``.
        """
        self._check_fitted()
        ctx = self._context_ids(context)
        words = np.arange(self.V, dtype=np.int64)
        grams = [None] + [self._lookup(m, ctx[m], words) for m in range(1, self.n + 1)]
        return self._probs(ctx, grams)

    def token_logprobs(self, sentences):
        """Natural-log probability of every predicted token (each word and each ``"</s>"``).

        Args:
            sentences: list of token sequences; each is padded as an order-n model does.
        Returns:
            float64 array with one entry per predicted token, sentence after sentence.
        """
        self._check_fitted()
        _, ctx, grams = self._stream(sentences)
        with np.errstate(divide="ignore"):
            return np.log(self._probs(ctx, grams))

    def cross_entropy(self, sentences):
        """Mean negative log-probability per predicted token, in nats (``inf`` if one is 0)."""
        lp = self.token_logprobs(sentences)
        return float(-lp.mean()) if len(lp) else float("nan")

    def perplexity(self, sentences):
        """``exp(cross_entropy(sentences))``: every ``"</s>"`` counts, ``"<s>"`` never does."""
        return float(np.exp(self.cross_entropy(sentences)))

    def sample(self, rng, max_len=30, temperature=1.0, context=()):
        """Generate one sentence, token by token, from the model.

        Args:
            rng: a ``numpy.random.Generator`` (the only source of randomness).
            max_len: stop after this many tokens if ``"</s>"`` has not come.
            temperature: probabilities are raised to ``1 / temperature`` and renormalised;
                below 1 sharpens, above 1 flattens, 0 always takes the most likely token.
            context: tokens the sentence starts with (after the ``"<s>"`` padding).
        Returns:
            list of str, without the padding (``"</s>"`` ends the sentence and is not included).
        """
        self._check_fitted()
        hist = [BOS] * (self.n - 1) + list(context)
        out = []
        for _ in range(max_len):
            p = self.next_distribution(tuple(hist[len(hist) - (self.n - 1):]) if self.n > 1 else ())
            if temperature == 0:
                i = int(np.argmax(p))
            else:
                if temperature != 1:
                    with np.errstate(divide="ignore"):
                        logits = np.log(p) / temperature
                    p = np.exp(logits - logits.max())
                cdf = np.cumsum(p)
                i = int(np.searchsorted(cdf, rng.random() * cdf[-1], side="right"))
                i = min(i, self.V - 1)
            w = self.vocab[i]
            if w == EOS:
                break
            out.append(w)
            hist.append(w)
        return out

    # ---------------------------------------------------------------- interpolation weights
    def fit_lambdas(self, sentences, iters=50):
        """Estimate the interpolation weights on held-out ``sentences`` by EM (Jelinek-Mercer).

        The model is a mixture of the uniform distribution and the MLE of each order (an order
        with an unseen context counts as uniform), so EM's update is the average posterior weight
        of each component. Only meaningful for ``smoothing="interp"``.

        Returns:
            self (with ``self.lambdas`` set)
        """
        self._check_fitted()
        _, ctx, grams = self._stream(sentences)
        comps = [np.full(len(grams[1]), 1.0 / self.V)]
        for m in range(1, self.n + 1):
            c = np.where(grams[m] >= 0, self._count[m][np.maximum(grams[m], 0)], 0)
            tot = np.where(ctx[m] >= 0, self._ctx_count[m][np.maximum(ctx[m], 0)], 0)
            with np.errstate(divide="ignore", invalid="ignore"):
                comps.append(np.where(tot > 0, c / tot, 1.0 / self.V))
        q = np.stack(comps, axis=1)
        lam = np.full(self.n + 1, 1.0 / (self.n + 1))
        for _ in range(iters):
            post = q * lam
            post /= post.sum(axis=1, keepdims=True)
            lam = post.mean(axis=0)
        return self.set_lambdas(lam / lam.sum())

    # ---------------------------------------------------------------- counts, for teaching
    def _gram_id(self, ngram):
        gid = 0
        for j, t in enumerate(self._ids(ngram)):
            gid = int(self._lookup(j + 1, gid, t))
            if gid < 0:
                return -1
        return gid

    def count(self, ngram):
        """Training count of an m-gram (a tuple of tokens, 1 <= m <= n), over predicted positions."""
        self._check_fitted()
        ngram = tuple(ngram)
        if not 1 <= len(ngram) <= self.n:
            raise ValueError(f"an order-{self.n} model counts 1- to {self.n}-grams")
        gid = self._gram_id(ngram)
        return int(self._count[len(ngram)][gid]) if gid >= 0 else 0

    def context_count(self, context):
        """How often the tuple ``context`` (m - 1 tokens, m <= n) was followed by a predicted token."""
        self._check_fitted()
        context = tuple(context)
        if len(context) >= self.n:
            raise ValueError(f"an order-{self.n} model has contexts of at most {self.n - 1} tokens")
        gid = self._gram_id(context) if context else 0
        return int(self._ctx_count[len(context) + 1][gid]) if gid >= 0 else 0

    def continuation_count(self, ngram):
        """N1+(. ngram): distinct tokens seen right before ``ngram`` (needs len(ngram) < n)."""
        self._check_fitted()
        ngram = tuple(ngram)
        if not 1 <= len(ngram) < self.n:
            raise ValueError(f"continuation counts of an order-{self.n} model exist for 1- to {self.n - 1}-grams")
        gid = self._gram_id(ngram)
        return int(self._cont[len(ngram)][gid]) if gid >= 0 else 0

    def _decode(self, m, ids):
        """Token tuples of the m-grams with the given ids."""
        names = self.vocab + [BOS]
        cols = []
        ids = np.asarray(ids, dtype=np.int64)
        for j in range(m, 0, -1):
            if j == 1:
                cols.append(ids)
            else:
                code = self._keys[j][ids]
                cols.append(code % self._base)
                ids = code // self._base
        cols = cols[::-1]
        return [tuple(names[int(t)] for t in row) for row in zip(*cols)]

    def ngram_counts(self, m=None, continuation=False):
        """All m-grams seen in training with their counts (or continuation counts).

        Args:
            m: the order (default n).
            continuation: return N1+(. m-gram) instead of counts (m < n only).
        Returns:
            dict mapping token tuples to ints (only non-zero entries).
        """
        self._check_fitted()
        m = self.n if m is None else m
        arr = self._cont[m] if continuation else self._count[m]
        if arr is None:
            raise ValueError(f"no continuation counts at the top order {self.n}")
        ids = np.flatnonzero(arr)
        return dict(zip(self._decode(m, ids), arr[ids].tolist()))

    def most_common(self, m=None, k=10, continuation=False):
        """The ``k`` most frequent m-grams as (tuple, count) pairs, ties broken by the tuples."""
        counts = self.ngram_counts(m, continuation)
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:k]

    def unseen_rate(self, sentences):
        """Share of the predicted tokens of ``sentences`` whose m-gram never occurred in training.

        Returns:
            float64 array of length n; entry m - 1 is the rate for m-grams (m = 1..n).
        """
        self._check_fitted()
        _, _, grams = self._stream(sentences)
        out = []
        for m in range(1, self.n + 1):
            g = grams[m]
            seen = np.where(g >= 0, self._count[m][np.maximum(g, 0)], 0) > 0
            out.append(1.0 - seen.mean())
        return np.array(out)

    def backoff_score(self, word, context=(), alpha=0.4):
        """Stupid backoff (Brants et al. 2007): a score, not a probability.

        ``c(ctx, w) / c(ctx)`` when ``c(ctx, w) > 0``, otherwise ``alpha`` times the score with the
        oldest context token dropped; at order 1, ``c(w) / number of training tokens``.
        """
        return float(self.backoff_scores(context, alpha)[self._ids([word])[0]])

    def backoff_scores(self, context=(), alpha=0.4):
        """Stupid-backoff scores of every vocabulary token after ``context`` (array of shape (V,))."""
        self._check_fitted()
        ctx = self._context_ids(context)
        words = np.arange(self.V, dtype=np.int64)
        score = np.zeros(self.V)
        done = np.zeros(self.V, dtype=bool)
        weight = 1.0
        for m in range(self.n, 0, -1):
            g = self._lookup(m, ctx[m], words)
            c = np.where(g >= 0, self._count[m][np.maximum(g, 0)], 0)
            tot = self._ctx_count[m][ctx[m]] if ctx[m] >= 0 else 0
            hit = (~done) & (c > 0)
            if tot > 0:
                score[hit] = weight * c[hit] / tot
            done |= hit
            weight *= alpha
        return score


# --------------------------------------------------------------------------------------------
# The n-gram rows of unit 7's comparison table
# --------------------------------------------------------------------------------------------
def eval_targets(n_ids, batch_size):
    """Slice of a stream of ``n_ids`` tokens whose tokens are the targets of ``make_batches``.

    The stream minus its first token is cut into ``batch_size`` rows of ``(n_ids - 1) // batch_size``
    targets; the few tokens left at the end are not predicted.
    """
    row = (n_ids - 1) // batch_size
    return slice(1, 1 + batch_size * row)


def ngram_nll(model, units, n_ids, batch_size):
    """Mean NLL (nats) of a fitted n-gram model on exactly the targets the RNN is evaluated on.

    Args:
        model: a fitted :class:`NGramLM`.
        units: the split's ``Corpus.units`` (scored as the n-gram model sees them).
        n_ids: length of the split's id stream.
        batch_size: the evaluation batch size of the recurrent models.
    """
    lp = model.token_logprobs(units)
    if len(lp) == n_ids + 1 and len(units) == 1 and isinstance(units[0], str):
        lp = lp[:-1]  # one text at character level: its closing "</s>" is not in the stream
    assert len(lp) == n_ids, "n-gram positions and stream ids should line up"
    return float(-lp[eval_targets(n_ids, batch_size)].mean())


def best_ngram(corpus, orders, batch_size, discount=0.75, train_units=None, progress=True, label=""):
    """Fit Kneser-Ney models of every order in ``orders``; pick the best by validation NLL.

    Returns:
        dict with ``order``, ``validation`` and ``test`` NLL (nats), ``by_order`` {order: validation
        NLL}, ``seconds`` (CPU time to fit and score every order) and ``n_grams`` (stored n-grams
        of the chosen model, all orders: its "parameters")
    """
    start = time.process_time()
    train = corpus.units["train"] if train_units is None else train_units
    by_order, models = {}, {}
    for n in orders:
        kn = NGramLM(n, smoothing="kn", discount=discount).fit(train, corpus.vocab)
        by_order[n] = ngram_nll(kn, corpus.units["validation"], len(corpus.ids["validation"]), batch_size)
        models[n] = kn
        if progress:
            print(f"  KN order {n}{label}: validation {_fmt(corpus.level, by_order[n])}")
    best = min(by_order, key=by_order.get)
    kn = models[best]
    test = ngram_nll(kn, corpus.units["test"], len(corpus.ids["test"]), batch_size)
    return {"order": best, "validation": by_order[best], "test": test, "by_order": by_order,
            "seconds": time.process_time() - start, "n_grams": int(sum(len(k) for k in kn._keys[1:]))}


def _fmt(level, nll):
    return f"{nll / math.log(2):.3f} bpc" if level == "char" else f"ppl {math.exp(nll):.1f}"
