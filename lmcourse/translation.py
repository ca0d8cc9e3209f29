"""English number words to French number words: a small, honest translation task for seq2seq.

Pairs are generated offline with the pinned ``num2words`` package, which spells an integer out in
either language::

    >>> make_pair(342105)
    ('three hundred and forty-two thousand, one hundred and five', 'trois cent quarante-deux mille cent cinq')

It is a real (if narrow) translation problem: the French side reorders and merges words
("seventy-one" is "soixante et onze", sixty and eleven; "ninety-nine" is "quatre-vingt-dix-neuf",
four-twenty-ten-nine), agrees in number ("deux cents" but "deux cent un") and drops the English
"and". Long numbers give long inputs, which is where a single context vector runs out of room.

Tokens (:func:`tokenize`): words split at spaces and hyphens, with each hyphen kept as a token of its
own (so that a French output can be written back exactly) and commas dropped.

Split (:func:`load_split`): ``SPLIT_SIZES`` distinct integers from 0 to ``MAX_VALUE``, drawn with a
fixed seed so that every number of digits from 1 to 9 is about equally likely (numbers with few
digits are rare among all integers; without this the model would hardly see "seven"), then cut into
train, validation and test. No number appears in two splits.

Vocabularies (:class:`Vocab`): id 0 is padding ``<pad>``, 1 the begin marker ``<s>``, 2 the end
marker ``</s>``, 3 ``<unk>``; the words of the training set follow in sorted order. A source
sequence is its word ids followed by ``</s>``; a target sequence is its word ids followed by
``</s>`` (the ``<s>`` that starts the decoder's input is added by teacher forcing, not stored).

Metrics: exact match of the whole output (:func:`exact_match`). BLEU is the student's own
(``corpus_bleu`` in the seq2seq exercise), so the support package has none.
"""
import functools
import re

import numpy as np

PAD, BOS, EOS, UNK = "<pad>", "<s>", "</s>", "<unk>"
PAD_ID, BOS_ID, EOS_ID, UNK_ID = 0, 1, 2, 3
MAX_VALUE = 999_999_999
SPLIT_SIZES = {"train": 24_000, "validation": 1_000, "test": 2_000}
SEED = 2026
_TOKEN = re.compile(r"[^\s,\-]+|-")


def tokenize(text):
    """Words and hyphens of a spelled-out number, commas dropped.

    >>> tokenize("forty-two thousand, one hundred")
    ['forty', '-', 'two', 'thousand', 'one', 'hundred']
    """
    return _TOKEN.findall(text)


def detokenize(tokens):
    """Inverse of :func:`tokenize` for the French side (which has no commas): hyphens join words.

    >>> detokenize(['quatre', '-', 'vingt', '-', 'dix', 'mille'])
    'quatre-vingt-dix mille'
    """
    return " ".join(tokens).replace(" - ", "-")


def make_pair(number):
    """(English words, French words) for one integer, as num2words spells them."""
    from num2words import num2words

    return num2words(number, lang="en"), num2words(number, lang="fr")


def sample_numbers(count, seed=SEED, max_value=MAX_VALUE):
    """``count`` distinct integers in [0, max_value], every number of digits about equally likely.

    Args:
        count: how many numbers; must not exceed max_value + 1.
        seed: seed of the NumPy generator.
    Returns:
        list of int, in the order drawn.
    """
    return list(_drawn_numbers(count, seed, max_value))


@functools.lru_cache(maxsize=8)
def _drawn_numbers(count, seed, max_value):
    rng = np.random.default_rng(seed)  # each split's load draws the whole sequence (0.2 s): drawn once
    max_digits = len(str(max_value))
    seen, out = set(), []
    while len(out) < count:
        digits = int(rng.integers(1, max_digits + 1))
        low = 0 if digits == 1 else 10 ** (digits - 1)
        number = int(rng.integers(low, min(10 ** digits - 1, max_value) + 1))
        if number not in seen:                  # short numbers run out: redraw the digit count
            seen.add(number)
            out.append(number)
    return tuple(out)


def load_split(split, limit=None):
    """The fixed examples of one split (spelling them out takes a few seconds for the training set).

    Args:
        split: "train", "validation" or "test".
        limit: if given, only the first ``limit`` examples of the split (for quick runs).
    Returns:
        list of (number, source tokens, target tokens), source English, target French.
    """
    if split not in SPLIT_SIZES:
        raise ValueError(f"split must be one of {sorted(SPLIT_SIZES)}, not {split!r}")
    numbers = sample_numbers(sum(SPLIT_SIZES.values()))
    start = 0
    for name, size in SPLIT_SIZES.items():
        if name == split:
            break
        start += size
    out = []
    size = SPLIT_SIZES[split] if limit is None else min(limit, SPLIT_SIZES[split])
    for number in numbers[start:start + size]:
        english, french = make_pair(number)
        out.append((number, tokenize(english), tokenize(french)))
    return out


class Vocab:
    """Token <-> id maps with the four special tokens first (ids 0-3)."""

    def __init__(self, token_lists):
        words = sorted({tok for tokens in token_lists for tok in tokens})
        self.itos = [PAD, BOS, EOS, UNK] + words
        self.stoi = {tok: i for i, tok in enumerate(self.itos)}

    def __len__(self):
        return len(self.itos)

    def encode(self, tokens):
        """Ids of ``tokens`` followed by the id of ``</s>``."""
        return [self.stoi.get(tok, UNK_ID) for tok in tokens] + [EOS_ID]

    def decode(self, ids):
        """Tokens of ``ids`` up to the first ``</s>`` (excluded); padding and ``<s>`` are skipped."""
        out = []
        for i in ids:
            i = int(i)
            if i == EOS_ID:
                break
            if i not in (PAD_ID, BOS_ID):
                out.append(self.itos[i])
        return out


def pad_batch(sequences, pad_id=PAD_ID):
    """Right-pad lists of ids into an int64 array.

    Returns:
        (ids, lengths): ids of shape (N, T) with T the longest length, lengths of shape (N,).
    """
    lengths = np.array([len(s) for s in sequences], dtype=np.int64)
    ids = np.full((len(sequences), lengths.max()), pad_id, dtype=np.int64)
    for i, s in enumerate(sequences):
        ids[i, :len(s)] = s
    return ids, lengths


def make_batch(examples, src_vocab, tgt_vocab):
    """Padded source and target arrays of a list of examples from :func:`load_split`.

    Returns:
        (src, src_lengths, tgt, tgt_lengths): int64 arrays; src (N, S), tgt (N, T), both ending
        each row with ``</s>`` and padded with 0.
    """
    src, src_lengths = pad_batch([src_vocab.encode(s) for _, s, _ in examples])
    tgt, tgt_lengths = pad_batch([tgt_vocab.encode(t) for _, _, t in examples])
    return src, src_lengths, tgt, tgt_lengths


def batches(examples, batch_size, seed):
    """Shuffled mini-batches (lists of examples) covering ``examples`` once; a fixed ``seed`` fixes the order."""
    order = np.random.default_rng(seed).permutation(len(examples))
    for start in range(0, len(examples), batch_size):
        yield [examples[i] for i in order[start:start + batch_size]]


def exact_match(hypotheses, references):
    """Fraction of outputs (token lists) equal to their reference token list."""
    return float(np.mean([h == r for h, r in zip(hypotheses, references)]))
