"""The reference solution of the `rnnlm` assignment (solutions/rnnlm/rnnlm.ipynb) and the support
modules ``lmcourse.lm`` and ``lmcourse.reference.rnnlm`` against independent references.

``make_batches`` is compared with batches worked out by hand and with a loop over the definition;
``detach_state`` with the gradients of a window computed from a constant copy of the carried state;
``evaluate`` with ``torch.nn.functional.cross_entropy`` over each whole row in one pass (no
windows) and with a lookup-table model whose NLL is computed by hand in NumPy; the conversions with
values worked out by hand. For ``lmcourse.lm``: the n-gram scores line up with the stream ids
(``NGramLM.prob`` of each token given its preceding tokens), weight tying shares one matrix, and the
models train (the loss falls on a repetitive stream).
"""
import math
import sys
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")
import torch.nn.functional as F  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from solution_code import load_solution  # noqa: E402

from lmcourse import lm, ngram  # noqa: E402
from lmcourse.reference import ngram as ngram_ref, rnnlm as rnnlm_ref  # noqa: E402


@pytest.fixture(scope="module")
def sol():
    return load_solution("rnnlm")


def loop_batches(ids, B, S):
    """The definition, one element at a time."""
    ids = [int(v) for v in ids]
    R = (len(ids) - 1) // B
    out = []
    for k in range(0, R, S):
        cols = range(k, min(k + S, R))
        out.append(([[ids[i * R + t] for t in cols] for i in range(B)],
                    [[ids[i * R + t + 1] for t in cols] for i in range(B)]))
    return out


# ------------------------------------------------------------------------------ make_batches
def test_make_batches_by_hand(sol):
    got = [(x.tolist(), y.tolist()) for x, y in sol["make_batches"](list(range(13)), 2, 4)]
    assert got == [([[0, 1, 2, 3], [6, 7, 8, 9]], [[1, 2, 3, 4], [7, 8, 9, 10]]),
                   ([[4, 5], [10, 11]], [[5, 6], [11, 12]])]
    # 11 ids, 3 rows: R = 3, the last target pair (9 -> 10) is dropped
    got = [(x.tolist(), y.tolist()) for x, y in sol["make_batches"](np.arange(11), 3, 2)]
    assert got == [([[0, 1], [3, 4], [6, 7]], [[1, 2], [4, 5], [7, 8]]), ([[2], [5], [8]], [[3], [6], [9]])]


@pytest.mark.parametrize("L,B,S", [(13, 2, 4), (101, 4, 7), (50, 7, 3), (37, 1, 10), (26, 5, 5), (60, 3, 100)])
@pytest.mark.parametrize("kind", ["list", "numpy", "tensor"])
def test_make_batches_against_loops(sol, L, B, S, kind):
    ids = np.random.default_rng(L).integers(0, 30, size=L)
    inp = {"list": ids.tolist(), "numpy": ids, "tensor": torch.as_tensor(ids)}[kind]
    got = list(sol["make_batches"](inp, B, S))
    want = loop_batches(ids, B, S)
    assert len(got) == len(want)
    for (x, y), (wx, wy) in zip(got, want):
        assert x.dtype == torch.long and y.dtype == torch.long
        assert x.tolist() == wx and y.tolist() == wy


def test_targets_are_the_eval_slice(sol):
    ids = np.arange(103)
    ys = torch.cat([y for _, y in sol["make_batches"](ids, 4, 10)], dim=1).reshape(-1)
    assert ys.tolist() == ids[ngram_ref.eval_targets(len(ids), 4)].tolist()


# ------------------------------------------------------------------------------ detach_state
def test_detach_state_values_and_structure(sol):
    a = torch.randn(2, 3, requires_grad=True) * 3
    d = sol["detach_state"](a)
    assert torch.equal(d, a) and not d.requires_grad and d.grad_fn is None
    h, c = torch.randn(1, 2, 3, requires_grad=True) + 1, torch.randn(1, 2, 3, requires_grad=True) - 1
    dh, dc = sol["detach_state"]((h, c))
    assert torch.equal(dh, h) and torch.equal(dc, c) and not dh.requires_grad and not dc.requires_grad
    assert sol["detach_state"](None) is None


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_truncated_bptt_gradients(sol, cell):
    """The gradient of window 2 equals that of a run started from a constant copy of the state."""
    torch.manual_seed(0)
    model = rnnlm_ref.RNNLM(9, cell=cell, emb_size=4, hidden_size=5, num_layers=2).double()
    ids = torch.randint(0, 9, (3, 12))

    def window_loss(k, state):
        logits, state = model(ids[:, 4 * k:4 * k + 4], state)
        return F.cross_entropy(logits.reshape(-1, 9), ids[:, 4 * k + 1:4 * k + 5].reshape(-1)), state

    loss1, state = window_loss(0, None)
    loss1.backward()                                   # frees window 1's graph
    model.zero_grad()
    loss2, _ = window_loss(1, sol["detach_state"](state))
    loss2.backward()                                   # would fail if the state were still attached
    got = [p.grad.clone() for p in model.parameters()]

    const = tuple(s.detach().clone() for s in state) if isinstance(state, tuple) else state.detach().clone()
    model.zero_grad()
    window_loss(1, const)[0].backward()
    for g, w in zip(got, [p.grad for p in model.parameters()]):
        assert torch.allclose(g, w, atol=1e-12)


# ------------------------------------------------------------------------------ evaluate
def whole_row_nll(model, ids, B):
    ids = torch.as_tensor(np.asarray(ids), dtype=torch.long)
    R = (len(ids) - 1) // B
    x, y = ids[:B * R].view(B, R), ids[1:B * R + 1].view(B, R)
    model.eval()
    with torch.no_grad():
        logits, _ = model(x, None)
    model.train()
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]).double(), y.reshape(-1)).item()


@pytest.mark.parametrize("cell,L,B,S", [("lstm", 103, 4, 10), ("gru", 58, 3, 7), ("rnn", 41, 2, 15),
                                        ("lstm", 30, 1, 4), ("gru", 200, 1, 200)])
def test_evaluate_against_whole_rows(sol, cell, L, B, S):
    torch.manual_seed(1)
    model = rnnlm_ref.RNNLM(11, cell=cell, emb_size=5, hidden_size=6, num_layers=2, dropout=0.5)
    ids = np.random.default_rng(L).integers(0, 11, size=L)
    got = sol["evaluate"](model, ids, B, S)
    assert isinstance(got, float)
    assert got == pytest.approx(whole_row_nll(model, ids, B), abs=1e-5)
    assert model.training


class BigramTable(torch.nn.Module):
    """logits = log P[x] for a fixed row-stochastic P: the NLL is a lookup, no recurrence."""

    def __init__(self, P):
        super().__init__()
        self.logp = torch.nn.Parameter(torch.log(torch.as_tensor(P)))

    def forward(self, x, state=None):
        return self.logp[x], state


def test_evaluate_by_hand(sol):
    P = np.array([[0.5, 0.25, 0.25], [0.1, 0.8, 0.1], [0.2, 0.2, 0.6]])
    ids = [0, 1, 1, 2, 0, 0, 2, 2, 1, 0, 1]          # L = 11, B = 2: R = 5, seq_len 2: windows 2, 2, 1
    R = 5
    targets = [(ids[i * R + t], ids[i * R + t + 1]) for i in range(2) for t in range(R)]
    want = -np.mean([np.log(P[a, b]) for a, b in targets])
    assert sol["evaluate"](BigramTable(P), ids, 2, 2) == pytest.approx(want, abs=1e-6)
    # the mean over windows of each window's mean would differ: the last window is shorter
    per_window = [-np.mean([np.log(P[ids[i * R + t], ids[i * R + t + 1]]) for i in range(2) for t in cols])
                  for cols in ([0, 1], [2, 3], [4])]
    assert abs(np.mean(per_window) - want) > 1e-3


def test_conversions(sol):
    assert sol["perplexity"](math.log(150)) == pytest.approx(150)
    assert sol["perplexity"](0.0) == 1.0
    assert sol["bits_per_char"](math.log(8)) == pytest.approx(3)
    assert rnnlm_ref.perplexity(math.log(7)) == pytest.approx(7) and rnnlm_ref.bits(math.log(2)) == pytest.approx(1)


# ------------------------------------------------------------------------------ lmcourse.lm
@pytest.mark.parametrize("level", ["char", "word"])
def test_ngram_scores_line_up_with_the_stream(level):
    if level == "char":
        units = ["to be, or not to be\nthat is the question\n"]
        vocab = ngram_ref.build_vocab(units, min_count=1)
        stream = list(units[0])
    else:
        units = [["to", "be", "or", "not"], ["to", "be", "that", "is"], ["the", "question"]]
        vocab = ngram_ref.build_vocab(units, min_count=1)
        stream = [w for s in units for w in s + [ngram.EOS]]
    model = ngram_ref.NGramLM(3, smoothing="kn").fit(units, vocab)
    # by hand: each predicted token given the tokens before it in its sentence (or the text)
    logps = []
    for s in (units if level == "word" else [stream]):
        toks = list(s) + ([ngram.EOS] if level == "word" else [])
        for t, w in enumerate(toks):
            logps.append(math.log(model.prob(w, tuple([ngram.BOS] * 2 + toks[:t])[-2:])))
    for B in (1, 2, 3):
        sl = ngram_ref.eval_targets(len(stream), B)
        assert ngram_ref.ngram_nll(model, units, len(stream), B) == pytest.approx(-np.mean(np.array(logps)[sl]), abs=1e-12)


def test_weight_tying_and_parameter_count():
    V, E, H = 20, 6, 8
    tied = rnnlm_ref.RNNLM(V, cell="lstm", emb_size=E, hidden_size=H, tie_weights=True)
    assert tied.out.weight is tied.embed.weight
    lstm = 4 * H * (E + H) + 2 * 4 * H
    assert rnnlm_ref.count_parameters(tied) == V * E + lstm + (H * E + E) + V
    untied = rnnlm_ref.RNNLM(V, cell="gru", emb_size=E, hidden_size=H)
    assert rnnlm_ref.count_parameters(untied) == V * E + 3 * H * (E + H) + 2 * 3 * H + H * V + V
    x = torch.randint(0, V, (3, 5))
    logits, (h, c) = tied(x)
    assert logits.shape == (3, 5, V) and h.shape == (1, 3, H)


def test_training_learns_a_repetitive_stream(sol):
    ids = np.tile(np.arange(7), 60)
    torch.manual_seed(0)
    cfg = lm.Config(cell="gru", emb_size=8, hidden_size=16, batch_size=4, seq_len=10, lr=1e-2, max_steps=100)
    model = rnnlm_ref.build(cfg, 7)
    before = sol["evaluate"](model, ids, 2, 10)
    info = rnnlm_ref.train_lm(model, ids, cfg, sol["make_batches"], sol["detach_state"], torch.device("cpu"),
                       progress=False)
    after = sol["evaluate"](model, ids, 2, 10)
    assert info["steps"] == 100 and before > 1.5 and after < 0.1


# ------------------------------------------------------------------------------ RNNLM
def hand_wired(V, cell, E, H, layers, tied):
    """embedding -> torch.nn recurrent layer -> linear, built here (the reference of RNNLM)."""
    class Ref(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = torch.nn.Embedding(V, E)
            self.rnn = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[cell](
                E, H, num_layers=layers, batch_first=True)
            self.out = torch.nn.Linear(H, V)
            if tied:
                self.out.weight = self.embed.weight

        def forward(self, x, state=None):
            h, state = self.rnn(self.embed(x), state)
            return self.out(h), state
    return Ref()


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("layers,E,H,tied", [(1, 4, 7, False), (2, 5, 3, False), (2, 6, 6, True)])
def test_rnnlm_matches_hand_wired_torch(sol, cell, layers, E, H, tied):
    V = 11
    torch.manual_seed(0)
    model = sol["RNNLM"](V, cell=cell, emb_size=E, hidden_size=H, num_layers=layers, dropout=0.3, tie_weights=tied)
    ref = hand_wired(V, cell, E, H, layers, tied)
    ref.embed.weight.data.copy_(model.embed.weight.data)
    ref.rnn.load_state_dict(model.rnn.state_dict())
    ref.out.load_state_dict(model.out.state_dict())
    model.eval()
    x = torch.randint(0, V, (3, 6))
    with torch.no_grad():
        got, got_state = model(x)
        want, want_state = ref(x)
    assert torch.allclose(got, want, atol=1e-6)
    for a, b in zip(got_state if isinstance(got_state, tuple) else (got_state,),
                    want_state if isinstance(want_state, tuple) else (want_state,)):
        assert torch.allclose(a, b, atol=1e-6)
    G = {"rnn": 1, "lstm": 4, "gru": 3}[cell]
    rnn = sum(G * H * ((E if l == 0 else H) + H) + 2 * G * H for l in range(layers))
    assert rnnlm_ref.count_parameters(model) == V * E + rnn + (0 if tied else H * V) + V
    if tied:
        assert model.out.weight is model.embed.weight
        assert model.out.weight.data_ptr() == model.embed.weight.data_ptr()


def test_rnnlm_elman_by_hand(sol):
    """One-layer tanh RNN LM against h_t = tanh(x_t U^T + h_{t-1} W^T + b), logits = h_t V^T + c, in NumPy."""
    torch.manual_seed(3)
    model = sol["RNNLM"](6, cell="rnn", emb_size=3, hidden_size=4).double().eval()
    x = torch.tensor([[1, 5, 0, 2]])
    with torch.no_grad():
        logits, h_last = model(x)
    emb = model.embed.weight.detach().numpy()
    U, W = model.rnn.weight_ih_l0.detach().numpy(), model.rnn.weight_hh_l0.detach().numpy()
    b = (model.rnn.bias_ih_l0 + model.rnn.bias_hh_l0).detach().numpy()
    Vo, c = model.out.weight.detach().numpy(), model.out.bias.detach().numpy()
    h = np.zeros(4)
    for t, i in enumerate(x[0].tolist()):
        h = np.tanh(emb[i] @ U.T + h @ W.T + b)
        assert np.allclose(logits[0, t].numpy(), h @ Vo.T + c, atol=1e-12)
    assert np.allclose(h_last[0, 0].numpy(), h, atol=1e-12)


def test_rnnlm_dropout_and_errors(sol):
    torch.manual_seed(1)
    model = sol["RNNLM"](9, cell="lstm", emb_size=4, hidden_size=5, num_layers=2, dropout=0.5)
    x = torch.randint(0, 9, (2, 5))
    model.train()
    assert not torch.allclose(model(x)[0], model(x)[0])
    model.eval()
    assert torch.equal(model(x)[0], model(x)[0])
    with pytest.raises(ValueError):
        sol["RNNLM"](9, cell="transformer")
    with pytest.raises(ValueError):
        sol["RNNLM"](9, emb_size=4, hidden_size=5, tie_weights=True)


# ------------------------------------------------------------------------------ train_epoch
def manual_truncated_bptt(model, ids, lr, B, S, max_norm):
    """SGD by hand: per window, loss of the carried detached state, global-norm clipping, p -= lr * g."""
    ids = torch.as_tensor(np.asarray(ids), dtype=torch.long)
    R = (len(ids) - 1) // B
    x, y = ids[:B * R].view(B, R), ids[1:B * R + 1].view(B, R)
    params = list(model.parameters())
    state, total, count = None, 0.0, 0
    for s in range(0, R, S):
        if state is not None:
            state = tuple(t.detach() for t in state) if isinstance(state, tuple) else state.detach()
        logits, state = model(x[:, s:s + S], state)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y[:, s:s + S].reshape(-1))
        grads = torch.autograd.grad(loss, params)
        norm = torch.sqrt(sum((g.double() ** 2).sum() for g in grads))
        scale = min(1.0, max_norm / (float(norm) + 1e-6))
        with torch.no_grad():
            for p, g in zip(params, grads):
                p -= lr * scale * g
        total += loss.item() * y[:, s:s + S].numel()
        count += y[:, s:s + S].numel()
    return total / count


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_train_epoch_matches_manual_truncated_bptt(sol, cell):
    import copy
    torch.manual_seed(2)
    model = sol["RNNLM"](7, cell=cell, emb_size=5, hidden_size=6, num_layers=2).double()
    twin = copy.deepcopy(model)
    ids = np.random.default_rng(5).integers(0, 7, size=93)        # windows of 6, 6, 6, 5 columns
    got = sol["train_epoch"](model, ids, torch.optim.SGD(model.parameters(), lr=0.3), 4, 6, max_norm=0.5)
    want = manual_truncated_bptt(twin, ids, 0.3, 4, 6, 0.5)
    assert isinstance(got, float) and got == pytest.approx(want, abs=1e-9)
    for a, b in zip(model.parameters(), twin.parameters()):
        assert torch.allclose(a, b, atol=1e-9)
    assert model.training


def test_train_epoch_clips_before_the_step(sol):
    class Recorder:
        def __init__(self, model, inner):
            self.model, self.inner, self.norms = model, inner, []

        def zero_grad(self, *a, **k):
            self.inner.zero_grad(*a, **k)

        def step(self):
            self.norms.append(float(torch.sqrt(sum((p.grad ** 2).sum() for p in self.model.parameters()))))
            self.inner.step()

    torch.manual_seed(0)
    model = sol["RNNLM"](7, cell="lstm", emb_size=4, hidden_size=8)
    rec = Recorder(model, torch.optim.SGD(model.parameters(), lr=0.5))
    sol["train_epoch"](model, np.arange(93) % 7, rec, 4, 6, max_norm=0.05)
    assert len(rec.norms) == 4 and max(rec.norms) <= 0.05 * 1.0001 and min(rec.norms) > 0.049


# ------------------------------------------------------------------------------ generate
class Cyclic(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.table = torch.nn.Parameter(torch.tensor([[-1.0, 2.0, 0.0], [0.0, -1.0, 2.0], [2.0, 0.0, -1.0]]))
        self.calls = []

    def forward(self, x, state=None):
        self.calls.append((torch.is_grad_enabled(), self.training))
        return self.table[x], state


def test_generate_greedy_distribution_and_generator(sol):
    gen = sol["generate"]
    m = Cyclic()
    prime = [2, 0]
    out = gen(m, prime, 7, temperature=1e-3)
    assert out == [2, 0, 1, 2, 0, 1, 2, 0, 1] and prime == [2, 0] and out is not prime
    assert all(type(v) is int for v in out)
    assert m.training and not any(g or t for g, t in m.calls)
    for temp in (1.0, 2.0, 0.7):
        seq = gen(m, [0], 6000, temperature=temp, generator=torch.Generator().manual_seed(1))
        counts = np.zeros((3, 3))
        for a, b in zip(seq[:-1], seq[1:]):
            counts[a, b] += 1
        want = torch.softmax(m.table.detach().double() / temp, -1).numpy()
        assert np.abs(counts / counts.sum(1, keepdims=True) - want).max() < 0.03
    a = gen(m, [1], 30, generator=torch.Generator().manual_seed(5))
    assert a == gen(m, [1], 30, generator=torch.Generator().manual_seed(5))
    m.eval()
    gen(m, (0,), 3)
    assert not m.training
