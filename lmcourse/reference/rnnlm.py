"""Reference code of the ``rnnlm`` unit, for lecture 7 and the tests: a recurrent language model in
PyTorch, its training with truncated BPTT, sampling, and the units of its loss.

Course staff only until the rnnlm unit's solutions are released (``course-grade release-solutions
rnnlm``): the student edition holds this module from then on, never before. Training takes the
batching and state-detaching functions as arguments (the contract is in ``lmcourse.lm``).
"""
import math
import time

import numpy as np

CELLS = ("rnn", "lstm", "gru")


def perplexity(nll):
    """Perplexity ``exp(nll)`` of a mean negative log-likelihood ``nll`` in nats per token."""
    return math.exp(nll)


def bits(nll):
    """A mean negative log-likelihood in nats converted to bits (per character: bits per char)."""
    return nll / math.log(2)


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


def build(cfg, vocab_size):
    """The :func:`RNNLM` of the sizes of an ``lmcourse.lm.Config``."""
    return RNNLM(vocab_size, cfg.cell, cfg.emb_size, cfg.hidden_size, cfg.num_layers, cfg.dropout, cfg.tie_weights)


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
