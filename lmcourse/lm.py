"""Recurrent language models in PyTorch: the model, training with truncated BPTT, sampling, and
the n-gram vs RNN vs LSTM vs GRU comparison of the RNN-LM unit (and its lecture).

The three functions the RNN-LM assignment asks for -- ``make_batches``, ``detach_state`` and
``evaluate`` -- are *not* here: :func:`train_lm` and :func:`compare_models` take them as arguments,
so that the notebook runs on the student's own versions (``benchmarks/rnnlm_table.py`` passes the
reference ones). Their contract, which everything here relies on:

- ``make_batches(ids, batch_size, seq_len)`` yields ``(x, y)`` LongTensors of shape
  ``(batch_size, T)`` with ``T <= seq_len``, ``y`` being ``x`` shifted by one token; row ``i`` of
  one batch continues row ``i`` of the previous batch (so a hidden state can be carried over);
- ``detach_state(state)`` returns the state with the same values and no autograd history;
- ``evaluate(model, ids, batch_size, seq_len)`` is the mean negative log-likelihood in nats of
  every target token of ``make_batches(ids, batch_size, seq_len)``.

A model is called as ``logits, state = model(x, state)`` with ``x`` of shape (N, T), ``logits`` of
shape (N, T, V) and ``state`` None (zeros) or what the previous call returned.
"""
import math
import time
from dataclasses import asdict, dataclass

import numpy as np

from lmcourse import data, ngram

CELLS = ("rnn", "lstm", "gru")


# --------------------------------------------------------------------------------------------
# Units
# --------------------------------------------------------------------------------------------
def perplexity(nll):
    """Perplexity ``exp(nll)`` of a mean negative log-likelihood ``nll`` in nats per token."""
    return math.exp(nll)


def bits(nll):
    """A mean negative log-likelihood in nats converted to bits (per character: bits per char)."""
    return nll / math.log(2)


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
        return " ".join(toks).replace(" " + ngram.EOS + " ", "\n").replace(ngram.EOS, "\n")


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
    vocab = ngram.build_vocab(units["train"], min_count=1)
    index = {w: i for i, w in enumerate(vocab)}
    unk = index[ngram.UNK]
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
    vocab = ngram.build_vocab(units["train"], min_count=min_count)
    index = {w: i for i, w in enumerate(vocab)}
    unk, eos = index[ngram.UNK], index[ngram.EOS]
    ids = {s: np.array([index.get(w, unk) for sent in u for w in sent + [ngram.EOS]], dtype=np.int64)
           for s, u in units.items()}
    return Corpus("word", vocab, units, ids)


# --------------------------------------------------------------------------------------------
# The model
# --------------------------------------------------------------------------------------------
def _torch():
    import torch

    return torch


def RNNLM(vocab_size, cell="lstm", emb_size=64, hidden_size=256, num_layers=1, dropout=0.0, tie_weights=False):
    """An embedding, a recurrent layer (``torch.nn.RNN``, ``LSTM`` or ``GRU``) and a linear output layer.

    Args:
        vocab_size: V.
        cell: "rnn" (tanh), "lstm" or "gru".
        emb_size, hidden_size: E and H.
        num_layers: stacked recurrent layers.
        dropout: dropout on the embeddings, between layers and before the output layer (training only).
        tie_weights: share the output matrix with the embedding matrix (a projection H -> E is
            added when H != E).
    Returns:
        a ``torch.nn.Module``: ``logits (N, T, V), state = model(x (N, T) long, state or None)``
    """
    torch = _torch()
    nn = torch.nn

    class _RNNLM(nn.Module):
        def __init__(self):
            super().__init__()
            self.cell = cell
            self.embed = nn.Embedding(vocab_size, emb_size)
            rnn = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[cell]
            self.rnn = rnn(emb_size, hidden_size, num_layers=num_layers, batch_first=True,
                           dropout=dropout if num_layers > 1 else 0.0)
            self.drop = nn.Dropout(dropout)
            self.proj = nn.Linear(hidden_size, emb_size) if tie_weights and hidden_size != emb_size else None
            self.out = nn.Linear(emb_size if tie_weights else hidden_size, vocab_size)
            if tie_weights:
                self.out.weight = self.embed.weight  # one (V, E) matrix reads and writes tokens

        def forward(self, x, state=None):
            h, state = self.rnn(self.drop(self.embed(x)), state)
            h = self.drop(h)
            if self.proj is not None:
                h = self.proj(h)
            return self.out(h), state

    return _RNNLM()


def count_parameters(model):
    """Number of trainable parameters (a tied matrix counts once)."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


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

    def model(self, vocab_size):
        return RNNLM(vocab_size, self.cell, self.emb_size, self.hidden_size, self.num_layers,
                     self.dropout, self.tie_weights)


def _clock(device):
    """Process CPU time on the CPU (other processes do not count); wall time on a GPU."""
    return time.process_time if device.type == "cpu" else time.perf_counter


def train_lm(model, ids, cfg, make_batches, detach_state, device, progress=True, log_every=50):
    """Train ``model`` on the stream ``ids`` with truncated BPTT and gradient clipping.

    The stream is cut into ``cfg.batch_size`` rows; batches of ``cfg.seq_len`` steps walk along
    them, epoch after epoch, and the hidden state is carried from one batch to the next, detached,
    so gradients flow back at most ``seq_len`` steps. Adam with learning rate ``cfg.lr``; the
    gradient norm is clipped to ``cfg.clip``. Training stops after ``cfg.max_steps`` steps or
    ``cfg.max_seconds`` seconds (CPU time of this process on the CPU, wall time on a GPU); with
    ``cfg.decay`` the learning rate follows a cosine from ``cfg.lr`` down to ``cfg.lr / 20`` over
    whichever of the two budgets is used up first (a large rate early, a small one to settle).

    Returns:
        dict with ``steps``, ``seconds`` (training time as above), ``wall_s``, ``tokens`` (targets
        seen) and ``losses`` (the mean training loss of every ``log_every`` steps, in nats)
    """
    torch = _torch()
    from tqdm.auto import tqdm

    torch.manual_seed(cfg.seed)
    clock = _clock(device)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    stream = torch.as_tensor(np.asarray(ids), dtype=torch.long)
    model.train()
    steps, tokens, losses, window = 0, 0, [], []
    start, wall = clock(), time.perf_counter()
    bar = tqdm(total=cfg.max_steps if cfg.max_steps < 10 ** 9 else None, disable=not progress,
               desc=f"{cfg.cell} H={cfg.hidden_size}", leave=False)
    done = False
    while not done:
        state = None  # a new epoch starts every row from zeros
        for x, y in make_batches(stream, cfg.batch_size, cfg.seq_len):
            x, y = x.to(device), y.to(device)
            state = detach_state(state)
            logits, state = model(x, state)
            loss = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.clip)
            opt.step()
            steps += 1
            tokens += y.numel()
            if cfg.decay:
                frac = min(1.0, max(steps / cfg.max_steps, (clock() - start) / cfg.max_seconds))
                for group in opt.param_groups:
                    group["lr"] = cfg.lr * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * frac)))
            window.append(loss.item())
            if len(window) == log_every:
                losses.append(float(np.mean(window)))
                bar.set_postfix(loss=f"{losses[-1]:.3f}")
                window = []
            bar.update()
            if steps >= cfg.max_steps or clock() - start >= cfg.max_seconds:
                done = True
                break
    bar.close()
    if window:
        losses.append(float(np.mean(window)))
    return {"steps": steps, "seconds": clock() - start, "wall_s": time.perf_counter() - wall,
            "tokens": tokens, "losses": losses}


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
        model: a fitted ``ngram.NGramLM``.
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
        kn = ngram.NGramLM(n, smoothing="kn", discount=discount).fit(train, corpus.vocab)
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
    return f"{bits(nll):.3f} bpc" if level == "char" else f"ppl {perplexity(nll):.1f}"


# --------------------------------------------------------------------------------------------
# Sampling
# --------------------------------------------------------------------------------------------
def sample(model, prime, length, temperature=1.0, seed=0, stop=None):
    """Generate ``length`` tokens after the ids ``prime``, dividing the logits by ``temperature``.

    Args:
        prime: list of ids to start from (at least one).
        temperature: > 0; below 1 sharpens the distribution, above 1 flattens it.
        stop: an id that ends the sample early (not included), or None.
    Returns:
        list of the generated ids (without the prime)
    """
    torch = _torch()
    device = next(model.parameters()).device
    gen = torch.Generator().manual_seed(seed)
    model.eval()
    out = []
    with torch.no_grad():
        logits, state = model(torch.tensor([prime], device=device), None)
        for _ in range(length):
            p = torch.softmax(logits[0, -1].float().cpu() / temperature, dim=-1)
            i = int(torch.multinomial(p, 1, generator=gen))
            if i == stop:
                break
            out.append(i)
            logits, state = model(torch.tensor([[i]], device=device), state)
    model.train()
    return out


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
    """Everything :func:`compare_models` needs, as the notebook and ``benchmarks/rnnlm_table.py`` use it.

    On the CPU all models (the n-gram too, for fairness) train on the first ``CPU_TRAIN_WORKS``
    training works, and the Kneser-Ney model is also fitted on all 36 as an extra row; on a GPU
    every model reads all 36 works. Autograding: two works, the start of validation and test.

    Returns:
        dict with ``configs``, ``corpora``, ``orders``, ``full_train_units`` (or None) and
        ``train_works`` (the number of training works the models read)
    """
    if autograde:
        works, eval_c, eval_w = 2, 20000, 500
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


def compare_models(make_batches, detach_state, evaluate, device, configs, corpora, orders,
                   progress=True, full_train_units=None):
    """Train and evaluate every model of the table.

    Args:
        make_batches, detach_state, evaluate: the three functions of the assignment.
        device: a torch.device.
        configs: as returned by :func:`table_configs`.
        corpora: {"char": Corpus, "word": Corpus} (the recurrent models and the n-gram train on the
            same text).
        orders: {"char": orders to try, "word": orders to try} for the Kneser-Ney models.
        full_train_units: optional {"char": units, "word": units} of the whole training text
            (``Corpus.units["train"]`` of a corpus built from every work): when the corpora above
            use a subset of the training works, the n-gram model is also fitted on all of them
            (with the subset's vocabulary), as an extra row.
    Returns:
        (rows, models): rows is a list of dicts (one per model and level), models {(level, cell): model}
    """
    torch = _torch()
    rows, models = [], {}
    for level, corpus in corpora.items():
        eval_bs = next(iter(configs[level].values())).eval_batch_size
        if progress:
            print(f"{level} level: V = {corpus.V}, {len(corpus.ids['train']):,} training tokens")
        kn = best_ngram(corpus, orders[level], eval_bs, progress=progress)
        rows.append(_row(level, f"Kneser-Ney {kn['order']}-gram", kn["validation"], kn["test"],
                         kn["n_grams"], kn["seconds"], kn["seconds"], "n-grams stored"))
        if full_train_units and level in full_train_units:
            full = best_ngram(corpus, orders[level], eval_bs, train_units=full_train_units[level], progress=progress,
                              label=" (all training works)")
            rows.append(_row(level, f"Kneser-Ney {full['order']}-gram, all 36 training works", full["validation"],
                             full["test"], full["n_grams"], full["seconds"], full["seconds"], "n-grams stored"))
        for cell, cfg in configs[level].items():
            torch.manual_seed(cfg.seed)
            model = cfg.model(corpus.V).to(device)
            info = train_lm(model, corpus.ids["train"], cfg, make_batches, detach_state, device, progress=progress)
            start = time.perf_counter()
            val = evaluate(model, torch.as_tensor(corpus.ids["validation"]), cfg.eval_batch_size, cfg.seq_len)
            test = evaluate(model, torch.as_tensor(corpus.ids["test"]), cfg.eval_batch_size, cfg.seq_len)
            models[level, cell] = model
            rows.append(_row(level, cell.upper(), val, test, count_parameters(model), info["seconds"],
                             info["wall_s"], f"{info['steps']} steps, {info['tokens']:,} tokens",
                             eval_s=time.perf_counter() - start, losses=info["losses"], config=asdict(cfg)))
            if progress:
                print(f"  {cell.upper()}: {info['steps']} steps in {info['seconds']:.0f} s; "
                      f"validation {_fmt(level, val)}, test {_fmt(level, test)}")
    return rows, models


def _row(level, model, val, test, params, seconds, wall_s, note, **extra):
    metric = bits if level == "char" else perplexity
    return {"level": level, "model": model, "metric": "bits per char" if level == "char" else "perplexity",
            "validation": metric(val), "test": metric(test), "val_nll": val, "test_nll": test,
            "params": params, "train_s": seconds, "wall_s": wall_s, "note": note, **extra}


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
