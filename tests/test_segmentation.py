"""The word-segmentation task of lmcourse.segmentation: examples, vocabulary, batches, metrics."""
import numpy as np
import pytest

from lmcourse import data
from lmcourse import segmentation as seg


def test_example_by_hand():
    chars, labels = seg.make_example(["o'er", "the", "hills", ",", "my", "lord", "!"])
    assert chars == "o'erthehills,mylord!"
    assert labels == [1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0]
    assert seg.detokenize(["hence", ",", "home", "!"]) == "hence, home!"
    assert seg.make_example(["?"]) == ("?", [1])


def test_decode_inverts_make_example():
    tokens = ["know", "you", "not", ",", "being", "mechanical", "?"]
    chars, labels = seg.make_example(tokens)
    assert seg.decode(chars, labels) == seg.detokenize(tokens) == "know you not, being mechanical?"
    assert data.tokenize(seg.decode(chars, labels)) == tokens


def test_vocab_encode_and_batch():
    examples = [seg.make_example(["to", "be", ","]), seg.make_example(["or", "not"])]
    vocab = seg.char_vocab(examples)
    assert vocab[:2] == [seg.PAD, seg.UNK] and vocab[2:] == sorted(set("tobe,ornot"))
    assert seg.encode("tz", vocab) == [vocab.index("t"), seg.UNK_ID]
    ids, labels, lengths = seg.make_batch(examples, vocab)
    assert ids.shape == labels.shape == (2, 5) and ids.dtype == labels.dtype == lengths.dtype == np.int64
    assert lengths.tolist() == [5, 5]
    short = [seg.make_example(["o", "be"]), seg.make_example(["to", "be", ","])]
    ids, labels, lengths = seg.make_batch(short, vocab)
    assert lengths.tolist() == [3, 5]
    assert ids[0, 3:].tolist() == [seg.PAD_ID] * 2 and labels[0].tolist() == [1, 1, 0, 0, 0]
    assert "".join(vocab[i] for i in ids[1]) == "tobe,"


def test_scores_by_hand():
    gold = np.array([[1, 0, 1, 0, 0], [1, 1, 0, 9, 9]])
    pred = np.array([[1, 1, 1, 0, 0], [0, 0, 0, 1, 1]])
    got = seg.scores(pred, gold, np.array([5, 3]))
    # 8 real positions: row 0 right at t = 0, 2, 3, 4; row 1 (length 3) only at t = 2
    assert got["accuracy"] == pytest.approx(5 / 8)
    # boundary decisions (t >= 1): row 0 tp=1 (t=2), fp=1 (t=1); row 1 fn=1 (t=1)
    assert got["precision"] == pytest.approx(0.5) and got["recall"] == pytest.approx(0.5)
    assert got["f1"] == pytest.approx(0.5)


@pytest.fixture(scope="module")
def validation():
    return seg.load_examples("validation")


def test_real_split_is_consistent(validation):
    assert len(validation) == len(data.shakespeare_sentences("validation"))
    allowed = set("abcdefghijklmnopqrstuvwxyz0123456789'.,;:!?")
    for chars, labels in validation[:2000]:
        assert len(chars) == len(labels) >= 1 and labels[0] == 1
        assert set(chars) <= allowed and " " not in chars
        for ch, lab in zip(chars, labels):
            assert not (ch in seg.PUNCTUATION and lab == 1) or ch == chars[0]
    short = seg.load_examples("validation", min_len=5, max_len=60, limit=100)
    assert len(short) == 100 and all(5 <= len(c) <= 60 for c, _ in short)
    # about one character in five starts a word: the majority baseline is near 80 % accuracy
    rate = np.mean([lab for _, labels in validation for lab in labels])
    assert 0.15 < rate < 0.3
