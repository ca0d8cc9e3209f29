"""Word segmentation of Shakespeare: a character-labelling task with labels taken from real text.

Each tokenised sentence of :func:`lmcourse.data.shakespeare_sentences` is written out as ordinary
text (words separated by one space, the punctuation marks ``. , ; : ! ?`` attached to the word
before them, as in print), then its spaces are removed. Every remaining character gets a label:

- 1 if a word starts there (the first character of the sentence, and every character that followed
  a space);
- 0 otherwise (the rest of a word, and punctuation, which never follows a space).

    >>> make_example(["o'er", "the", "hills", ",", "my", "lord", "!"])
    ("o'erthehills,mylord!", [1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0])

Characters are lowercase letters, digits, apostrophes and the six punctuation marks. Whether a
character starts a word often depends on what comes *after* it ("thehills": does "h" start a word?
only the following "ills" says so), which is why a bidirectional tagger beats a left-to-right one.

Split: the one of :mod:`lmcourse.data`, by work (validation: Julius Caesar, Much Ado About Nothing,
Richard II; test: Macbeth, The Tempest, Twelfth Night; train: the other 36 works). Sentences are
kept in the order of the data module, optionally filtered by length; nothing is shuffled here.

Character ids: 0 is padding (``PAD``), 1 the unknown character (``UNK``); :func:`char_vocab`
numbers the characters of a training set from 2 in sorted order.

Metrics (:func:`scores`): accuracy over all characters, and precision, recall and F1 of the
word-boundary decisions, i.e. of the positions labelled 1 *except the first character of each
sentence*, which always starts a word and would flatter every model.
"""
from collections import Counter

import numpy as np

from lmcourse import data

PAD, UNK = "<pad>", "<unk>"
PAD_ID, UNK_ID = 0, 1
PUNCTUATION = frozenset(".,;:!?")


def detokenize(tokens):
    """The sentence as printed text: words separated by spaces, punctuation attached to the left.

    >>> detokenize(["hence", ",", "home", "!"])
    'hence, home!'
    """
    out = []
    for tok in tokens:
        if out and tok not in PUNCTUATION:
            out.append(" ")
        out.append(tok)
    return "".join(out)


def make_example(tokens):
    """Characters without spaces and their word-initial labels for one tokenised sentence.

    Args:
        tokens: list of str, as returned by :func:`lmcourse.data.tokenize`.
    Returns:
        (chars, labels): a str and a list of 0/1 ints of the same length.
    """
    chars, labels = [], []
    start = True
    for ch in detokenize(tokens):
        if ch == " ":
            start = True
            continue
        chars.append(ch)
        labels.append(1 if start else 0)
        start = False
    return "".join(chars), labels


def load_examples(split, min_len=1, max_len=None, limit=None):
    """Examples of one split of the Shakespeare corpus.

    Args:
        split: "train", "validation" or "test" (the data module's split by work).
        min_len, max_len: keep the sentences whose unspaced length lies in [min_len, max_len]
            (max_len None: no upper bound).
        limit: keep the first ``limit`` examples after filtering (None: all).
    Returns:
        list of (chars, labels) pairs, in corpus order.
    """
    out = []
    for tokens in data.iter_sentences(split):  # a quick run reads only the works it needs
        chars, labels = make_example(tokens)
        if len(chars) >= min_len and (max_len is None or len(chars) <= max_len):
            out.append((chars, labels))
            if limit is not None and len(out) >= limit:
                break
    return out


def char_vocab(examples, min_count=1):
    """Character vocabulary of a training set: ``[PAD, UNK]`` then the characters seen at least
    ``min_count`` times, sorted. Returns a list of str; the id of a character is its index."""
    counts = Counter(ch for chars, _ in examples for ch in chars)
    return [PAD, UNK] + sorted(ch for ch, c in counts.items() if c >= min_count)


def encode(chars, vocab):
    """Ids of the characters of ``chars`` (``UNK_ID`` for characters outside ``vocab``), a list of int."""
    index = vocab if isinstance(vocab, dict) else {ch: i for i, ch in enumerate(vocab)}
    return [index.get(ch, UNK_ID) for ch in chars]


def make_batch(examples, vocab):
    """Pad a list of examples into arrays.

    Args:
        examples: list of (chars, labels).
        vocab: list of characters (or a dict character -> id).
    Returns:
        (ids, labels, lengths): int64 arrays of shapes (N, T), (N, T) and (N,), T the longest
        length; padded positions hold ``PAD_ID`` in ``ids`` and 0 in ``labels``.
    """
    index = vocab if isinstance(vocab, dict) else {ch: i for i, ch in enumerate(vocab)}
    lengths = np.array([len(chars) for chars, _ in examples], dtype=np.int64)
    T = int(lengths.max(initial=0))
    ids = np.full((len(examples), T), PAD_ID, dtype=np.int64)
    labels = np.zeros((len(examples), T), dtype=np.int64)
    for i, (chars, labs) in enumerate(examples):
        ids[i, : len(chars)] = encode(chars, index)
        labels[i, : len(chars)] = labs
    return ids, labels, lengths


def decode(chars, labels):
    """Put the spaces back: a space before every character labelled 1 except the first.

    >>> decode("thehills", [1, 0, 0, 1, 0, 0, 0, 0])
    'the hills'
    """
    out = []
    for i, (ch, lab) in enumerate(zip(chars, labels)):
        if i > 0 and int(lab) == 1:
            out.append(" ")
        out.append(ch)
    return "".join(out)


def scores(pred, gold, lengths):
    """Accuracy and word-boundary precision, recall and F1 of predicted labels.

    Args:
        pred, gold: 0/1 arrays of shape (N, T) (padded positions are ignored).
        lengths: int array (N,), the true lengths.
    Returns:
        dict with "accuracy" (over all real characters) and "precision", "recall", "f1" (over the
        positions 1 .. length - 1 of each sentence: the first character is not a decision).
    """
    pred, gold = np.asarray(pred), np.asarray(gold)
    steps = np.arange(pred.shape[1])[None, :]
    valid = steps < np.asarray(lengths)[:, None]
    inner = valid & (steps > 0)
    accuracy = float((pred == gold)[valid].mean()) if valid.any() else float("nan")
    tp = int(((pred == 1) & (gold == 1) & inner).sum())
    fp = int(((pred == 1) & (gold == 0) & inner).sum())
    fn = int(((pred == 0) & (gold == 1) & inner).sum())
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"accuracy": accuracy, "precision": precision, "recall": recall, "f1": f1}
