"""The data and the table of the RNN-LM unit's n-gram vs RNN vs LSTM vs GRU comparison: the
Shakespeare corpora at character and word level, the hyper-parameters of every model, and the table.

The models, their training and evaluation are the assignment (``make_batches``, ``detach_state``,
``evaluate``, ``RNNLM``, ``train_epoch``, ``generate``); their reference code is
``lmcourse.reference.rnnlm`` (the Kneser-Ney rows: ``lmcourse.reference.ngram``), in the student
edition once those units' solutions are released. The contract everything relies on:

- ``make_batches(ids, batch_size, seq_len)`` yields ``(x, y)`` LongTensors of shape
  ``(batch_size, T)`` with ``T <= seq_len``, ``y`` being ``x`` shifted by one token; row ``i`` of
  one batch continues row ``i`` of the previous batch (so a hidden state can be carried over);
- ``detach_state(state)`` returns the state with the same values and no autograd history;
- ``evaluate(model, ids, batch_size, seq_len)`` is the mean negative log-likelihood in nats of
  every target token of ``make_batches(ids, batch_size, seq_len)``.

A model is called as ``logits, state = model(x, state)`` with ``x`` of shape (N, T), ``logits`` of
shape (N, T, V) and ``state`` None (zeros) or what the previous call returned.
"""
from collections import Counter
from dataclasses import dataclass

import numpy as np

from lmcourse import data
from lmcourse.ngram import BOS, EOS, UNK

CELLS = ("rnn", "lstm", "gru")


# --------------------------------------------------------------------------------------------
# Data: one token stream per split, with a vocabulary shared by every model
# --------------------------------------------------------------------------------------------
@dataclass
class Corpus:
    """A tokenised corpus: the vocabulary (``ngram`` convention) and the three splits as id arrays.

    ``units[split]`` holds what the n-gram model is fitted on / scores (a list of strings for the
    character level, a list of token lists for the word level); ``ids[split]`` is the same text as
    one stream of int64 ids (characters; or every sentence's words followed by ``"</s>"``), so the
    n-gram's token log-probabilities line up one to one with ``ids[split]``.
    """

    level: str
    vocab: list
    units: dict
    ids: dict

    @property
    def V(self):
        return len(self.vocab)

    def decode(self, ids):
        """Ids back to text (characters joined; words joined by spaces, ``"</s>"`` as a newline)."""
        toks = [self.vocab[i] for i in ids]
        if self.level == "char":
            return "".join(t if len(t) == 1 else "" for t in toks)
        return " ".join(toks).replace(" " + EOS + " ", "\n").replace(EOS, "\n")


def _train_works(max_works):
    works = data.works_in("train")
    return works if max_works is None else works[:max_works]


def char_corpus(max_train_works=None, max_eval=None):
    """The Shakespeare split at character level; the vocabulary is every character of the training text.

    Args:
        max_train_works: use only the first this many training works (sorted by name), or all.
        max_eval: keep only the first this many characters of validation and test (quick runs), or all.
    Returns:
        Corpus (level "char")
    """
    units = {"train": ["\n".join(data.work_text(w) for w in _train_works(max_train_works))],
             "validation": [data.load_shakespeare("validation")[:max_eval]],
             "test": [data.load_shakespeare("test")[:max_eval]]}
    vocab = [EOS, UNK] + sorted(set(units["train"][0]))  # characters never collide with the markers
    index = {w: i for i, w in enumerate(vocab)}
    unk = index[UNK]
    ids = {s: np.array([index.get(ch, unk) for ch in u[0]], dtype=np.int64) for s, u in units.items()}
    return Corpus("char", vocab, units, ids)


def word_corpus(max_train_works=None, min_count=3, max_eval=None):
    """The Shakespeare split at word level (``data.tokenize``d sentences, each ending in ``"</s>"``).

    Args:
        max_train_works: use only the first this many training works, or all.
        max_eval: keep only the first this many sentences of validation and test, or all.
        min_count: a training word seen fewer times becomes ``"<unk>"`` (the vocabulary of every model).
    Returns:
        Corpus (level "word")
    """
    works = _train_works(max_train_works)
    units = {"train": [s for w in works for s in data.sentences_from_text(data.work_text(w))],
             "validation": data.shakespeare_sentences("validation", limit=max_eval),
             "test": data.shakespeare_sentences("test", limit=max_eval)}
    counts = Counter(w for sent in units["train"] for w in sent)
    vocab = [EOS, UNK] + sorted(w for w, c in counts.items() if c >= min_count and w not in (BOS, EOS, UNK))
    index = {w: i for i, w in enumerate(vocab)}
    unk = index[UNK]
    ids = {s: np.array([index.get(w, unk) for sent in u for w in sent + [EOS]], dtype=np.int64)
           for s, u in units.items()}
    return Corpus("word", vocab, units, ids)


# --------------------------------------------------------------------------------------------
# Training
# --------------------------------------------------------------------------------------------
@dataclass
class Config:
    """Hyper-parameters of one recurrent LM and its training run."""

    cell: str = "lstm"
    emb_size: int = 64
    hidden_size: int = 256
    num_layers: int = 1
    dropout: float = 0.0
    tie_weights: bool = False
    batch_size: int = 32
    seq_len: int = 100
    lr: float = 2e-3
    decay: bool = True            # cosine decay of the learning rate over the budget (to lr / 20)
    clip: float = 1.0
    max_seconds: float = 60.0     # stop after this much training time (process CPU time on the CPU)
    max_steps: int = 10 ** 9
    eval_batch_size: int = 16
    seed: int = 0



# --------------------------------------------------------------------------------------------
# The comparison table
# --------------------------------------------------------------------------------------------
CPU_TRAIN_WORKS = 6   # on the CPU every model of the table trains on the first 6 training works


def table_configs(device, autograde=False):
    """The configurations of the comparison: {"char": {cell: Config}, "word": {cell: Config}}.

    On the CPU the budget is about 10 minutes of one thread for the whole notebook; the char LSTM
    gets the largest share. On a GPU the models and training runs are bigger (about 4 minutes of
    training in all). Autograding runs a few steps of tiny models.
    """
    if autograde:
        small = dict(emb_size=16, hidden_size=32, batch_size=8, seq_len=20, max_steps=3, max_seconds=5)
        return {lvl: {c: Config(cell=c, **small) for c in CELLS} for lvl in ("char", "word")}
    if device.type == "cuda":
        char = dict(emb_size=128, hidden_size=1024, num_layers=2, dropout=0.2, batch_size=128,
                    seq_len=128, lr=2e-3, eval_batch_size=64)
        word = dict(emb_size=512, hidden_size=512, num_layers=2, dropout=0.4, tie_weights=True,
                    batch_size=64, seq_len=64, lr=2e-3, max_seconds=30, eval_batch_size=64)
        return {"char": {"rnn": Config(cell="rnn", max_seconds=40, **char),
                         "lstm": Config(cell="lstm", max_seconds=70, **char),
                         "gru": Config(cell="gru", max_seconds=50, **char)},
                "word": {c: Config(cell=c, **word) for c in CELLS}}
    char = dict(emb_size=48, hidden_size=384, batch_size=32, seq_len=100, lr=3e-3, eval_batch_size=16)
    word = dict(emb_size=128, hidden_size=128, tie_weights=True, dropout=0.2, batch_size=32, seq_len=35,
                lr=3e-3, eval_batch_size=16)
    # Step counts fix the char runs (the same numbers on every machine); the CPU-second caps only
    # guard the budget on a slower one. One thread does about 4.6 LSTM steps a second here.
    return {"char": {"rnn": Config(cell="rnn", max_steps=550, max_seconds=60, **char),
                     "lstm": Config(cell="lstm", max_steps=1250, max_seconds=330, **char),
                     "gru": Config(cell="gru", max_steps=420, max_seconds=110, **char)},
            "word": {c: Config(cell=c, max_seconds=20, **word) for c in CELLS}}


def table_setup(device, autograde=False):
    """Everything the comparison needs, as the notebook and ``benchmarks/rnnlm_table.py`` use it.

    On the CPU all models (the n-gram too, for fairness) train on the first ``CPU_TRAIN_WORKS``
    training works, and the Kneser-Ney model is also fitted on all 36 as an extra row; on a GPU
    every model reads all 36 works. Autograding: two works, the start of validation and test (4,000
    characters, 100 sentences): the table is not graded, so the grader only checks that it runs.

    Returns:
        dict with ``configs``, ``corpora``, ``orders``, ``full_train_units`` (or None) and
        ``train_works`` (the number of training works the models read)
    """
    if autograde:
        works, eval_c, eval_w = 2, 4000, 100
    else:
        works, eval_c, eval_w = (None if device.type == "cuda" else CPU_TRAIN_WORKS), None, None
    corpora = {"char": char_corpus(max_train_works=works, max_eval=eval_c),
               "word": word_corpus(max_train_works=works, max_eval=eval_w)}
    full = None
    if works is not None and not autograde:
        full = {"char": char_corpus().units["train"], "word": word_corpus().units["train"]}
    orders = {"char": [3, 4] if autograde else [5, 6, 7, 8], "word": [2, 3] if autograde else [2, 3, 4]}
    return {"configs": table_configs(device, autograde), "corpora": corpora, "orders": orders,
            "full_train_units": full, "train_works": works or len(data.works_in("train"))}


def format_table(rows):
    """The rows as a markdown table."""
    head = "| level | model | metric | validation | test | parameters | train time (s) | training |\n"
    head += "|---|---|---|---:|---:|---:|---:|---|\n"
    lines = [f"| {r['level']} | {r['model']} | {r['metric']} | {r['validation']:.3f} | {r['test']:.3f} | "
             f"{r['params']:,} | {r['train_s']:.0f} | {r['note']} |" for r in rows]
    return head + "\n".join(lines) + "\n"


def save_table(rows, folder, stem="rnnlm_table"):
    """Write ``<stem>.csv`` and ``<stem>.md`` under ``folder``; return the markdown text."""
    import csv
    from pathlib import Path

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    keys = ["level", "model", "metric", "validation", "test", "val_nll", "test_nll", "params", "train_s",
            "wall_s", "note"]
    with open(folder / f"{stem}.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=keys, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    text = format_table(rows)
    (folder / f"{stem}.md").write_text(text)
    return text
