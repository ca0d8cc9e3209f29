"""The reference solution of the `lstm_gru` assignment (solutions/lstm_gru/lstm_gru.ipynb) against PyTorch.

The LSTM forward pass is compared with ``torch.nn.LSTM`` (copied weights, zero initial cell state)
and every backward output, of the step functions and of the sequence functions, with torch autograd,
all in float64 to a relative error of 1e-10 (elementwise, see ``err``). The GRU is compared with an
autograd version of the course's formula (Cho et al. 2014) written here in torch, and with
``torch.nn.GRU`` through the mapping of the notebook (diagonal W_hn, b_hn = 0, update gate negated).
Parameter counts are compared with the torch modules' own, less their second bias.
Unit 3's ``grad_norms_by_distance`` is compared with the gradients torch autograd keeps for every
intermediate state of ``nn.RNN``, ``nn.LSTM`` and ``nn.GRU`` (the last through the same mapping)
called one step at a time, and with three cases worked out by hand; the claims the written answer's
rubric makes about the figure are checked on the reference's own ``curves``.
"""
import sys
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

sys.path.insert(0, str(Path(__file__).resolve().parent))
from numeric import err, t64  # noqa: E402
from solution_code import load_solution  # noqa: E402


TOL = 1e-10
SHAPES = [(0, (3, 5, 4, 6)), (1, (2, 9, 3, 2)), (2, (1, 1, 5, 3)), (3, (4, 7, 8, 8))]
NAMES = ["dx", "dh0", "dU", "dW", "db"]


@pytest.fixture(scope="module")
def ref():
    return load_solution("lstm_gru")




def random_arrays(seed, N, T, D, H, G, scale=0.7):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((N, T, D)), rng.standard_normal((N, H)),
            rng.standard_normal((G * H, D)) * scale, rng.standard_normal((G * H, H)) * scale,
            rng.standard_normal(G * H) * scale, rng.standard_normal((N, T, H)))


def torch_lstm_with(U, W, b):
    """A float64 torch.nn.LSTM holding the course's weights (the whole bias in bias_ih)."""
    lstm = torch.nn.LSTM(U.shape[1], W.shape[1], batch_first=True, dtype=torch.float64)
    with torch.no_grad():
        lstm.weight_ih_l0.copy_(torch.tensor(U))
        lstm.weight_hh_l0.copy_(torch.tensor(W))
        lstm.bias_ih_l0.copy_(torch.tensor(b))
        lstm.bias_hh_l0.zero_()
    return lstm


# ------------------------------------------------------------------------------------------- LSTM
@pytest.mark.parametrize("seed,shape", SHAPES)
def test_lstm_forward_matches_torch_nn_lstm(ref, seed, shape):
    N, T, D, H = shape
    torch.manual_seed(seed)
    lstm = torch.nn.LSTM(D, H, batch_first=True, dtype=torch.float64)
    x, h0 = random_arrays(seed, N, T, D, H, 4)[:2]
    with torch.no_grad():
        want, (h_last, _) = lstm(torch.tensor(x), (torch.tensor(h0)[None], torch.zeros(1, N, H, dtype=torch.float64)))
    U = lstm.weight_ih_l0.detach().numpy()
    W = lstm.weight_hh_l0.detach().numpy()
    b = (lstm.bias_ih_l0 + lstm.bias_hh_l0).detach().numpy()
    h, _ = ref["lstm_forward"](x, h0, U, W, b)
    assert h.shape == (N, T, H)
    assert err(h, want.numpy()) < TOL
    assert err(h[:, -1], h_last[0].numpy()) < TOL


@pytest.mark.parametrize("seed,shape", SHAPES)
def test_lstm_backward_matches_autograd(ref, seed, shape):
    x, h0, U, W, b, dh = random_arrays(seed, *shape, 4)
    N, T, D, H = shape
    lstm = torch_lstm_with(U, W, b)
    tx, th0 = t64(x), t64(h0[None])
    out, _ = lstm(tx, (th0, torch.zeros(1, N, H, dtype=torch.float64)))
    out.backward(torch.tensor(dh))
    want = dict(zip(NAMES, [tx.grad, th0.grad[0], lstm.weight_ih_l0.grad, lstm.weight_hh_l0.grad, lstm.bias_ih_l0.grad]))
    h, cache = ref["lstm_forward"](x, h0, U, W, b)
    assert err(h, out.detach().numpy()) < TOL
    got = dict(zip(NAMES, ref["lstm_backward"](dh, cache)))
    for name in NAMES:
        assert got[name].shape == tuple(want[name].shape), name
        assert err(got[name], want[name].numpy()) < TOL, name
    assert err(got["db"], lstm.bias_hh_l0.grad.numpy()) < TOL     # b = bias_ih + bias_hh


@pytest.mark.parametrize("seed,shape", [(4, (3, 4, 5)), (5, (1, 2, 7)), (6, (6, 3, 3))])
@pytest.mark.parametrize("upstream", ["both", "dh only", "dc only"])
def test_lstm_step_matches_autograd(ref, seed, shape, upstream):
    N, D, H = shape
    rng = np.random.default_rng(seed)
    arrays = [rng.standard_normal(s) for s in [(N, D), (N, H), (N, H), (4 * H, D), (4 * H, H), (4 * H,)]]
    dh_next = rng.standard_normal((N, H)) * (upstream != "dc only")
    dc_next = rng.standard_normal((N, H)) * (upstream != "dh only")
    tensors = [t64(a) for a in arrays]
    tx, th, tc, tU, tW, tb = tensors
    cell = torch.nn.LSTMCell(D, H, dtype=torch.float64)
    with torch.no_grad():
        cell.bias_hh.zero_()
    # torch.nn.LSTMCell through torch.func so that U, W and b stay ordinary tensors with gradients
    h_t, c_t = torch.func.functional_call(cell, {"weight_ih": tU, "weight_hh": tW, "bias_ih": tb,
                                                 "bias_hh": torch.zeros(4 * H, dtype=torch.float64)}, (tx, (th, tc)))
    ((h_t * torch.tensor(dh_next)).sum() + (c_t * torch.tensor(dc_next)).sum()).backward()
    h_next, c_next, cache = ref["lstm_step_forward"](*arrays)
    assert err(h_next, h_t.detach().numpy()) < TOL and err(c_next, c_t.detach().numpy()) < TOL
    got = ref["lstm_step_backward"](dh_next, dc_next, cache)
    for name, g, t in zip(["dx", "dh_prev", "dc_prev", "dU", "dW", "db"], got, tensors):
        assert g.shape == tuple(t.shape), name
        assert err(g, t.grad.numpy()) < TOL, name


def test_lstm_step_and_sequence_agree(ref):
    """The sequence functions equal the step functions looped by hand (c0 = 0)."""
    x, h0, U, W, b, dh = random_arrays(7, 3, 6, 4, 5, 4)
    N, T, D = x.shape
    h, cache = ref["lstm_forward"](x, h0, U, W, b)
    seq_grads = ref["lstm_backward"](dh, cache)
    h_t, c_t, caches = h0, np.zeros_like(h0), []
    for t in range(T):
        h_t, c_t, step_cache = ref["lstm_step_forward"](x[:, t], h_t, c_t, U, W, b)
        assert err(h[:, t], h_t) < TOL
        caches.append(step_cache)
    dh_next, dc_next, sums = np.zeros_like(h0), np.zeros_like(h0), [0, 0, 0]
    for t in reversed(range(T)):
        dx_t, dh_next, dc_next, *param_grads = ref["lstm_step_backward"](dh[:, t] + dh_next, dc_next, caches[t])
        assert err(seq_grads[0][:, t], dx_t) < TOL
        sums = [s + g for s, g in zip(sums, param_grads)]
    assert err(seq_grads[1], dh_next) < TOL
    for got, want in zip(seq_grads[2:], sums):
        assert err(got, want) < TOL


# -------------------------------------------------------------------------------------------- GRU
def torch_course_gru(x, h0, U, W, b):
    """The course GRU (reset before the product, h' = (1 - z) h + z n), in torch, for autograd."""
    H = h0.shape[1]
    states, h = [], h0
    for t in range(x.shape[1]):
        pre = x[:, t] @ U.T + b
        r = torch.sigmoid(pre[:, :H] + h @ W[:H].T)
        z = torch.sigmoid(pre[:, H:2 * H] + h @ W[H:2 * H].T)
        n = torch.tanh(pre[:, 2 * H:] + (r * h) @ W[2 * H:].T)
        h = (1 - z) * h + z * n
        states.append(h)
    return torch.stack(states, dim=1)


@pytest.mark.parametrize("seed,shape", SHAPES)
def test_gru_matches_autograd_of_course_formula(ref, seed, shape):
    arrays = random_arrays(seed, *shape, 3)
    tensors = [t64(a) for a in arrays[:5]]
    out = torch_course_gru(*tensors)
    out.backward(torch.tensor(arrays[5]))
    h, cache = ref["gru_forward"](*arrays[:5])
    assert err(h, out.detach().numpy()) < TOL
    got = ref["gru_backward"](arrays[5], cache)
    for name, g, t in zip(NAMES, got, tensors):
        assert g.shape == tuple(t.shape), name
        assert err(g, t.grad.numpy()) < TOL, name


@pytest.mark.parametrize("seed,shape", [(8, (3, 4, 5)), (9, (1, 2, 7)), (10, (6, 3, 3))])
def test_gru_step_matches_autograd(ref, seed, shape):
    N, D, H = shape
    rng = np.random.default_rng(seed)
    arrays = [rng.standard_normal(s) for s in [(N, 1, D), (N, H), (3 * H, D), (3 * H, H), (3 * H,)]]
    dh_next = rng.standard_normal((N, H))
    tensors = [t64(a) for a in arrays]
    out = torch_course_gru(*tensors)[:, 0]
    out.backward(torch.tensor(dh_next))
    h_next, cache = ref["gru_step_forward"](arrays[0][:, 0], *arrays[1:])
    assert err(h_next, out.detach().numpy()) < TOL
    got = ref["gru_step_backward"](dh_next, cache)
    want = [tensors[0].grad[:, 0]] + [t.grad for t in tensors[1:]]
    for name, g, w in zip(["dx", "dh_prev", "dU", "dW", "db"], got, want):
        assert g.shape == tuple(w.shape), name
        assert err(g, w.numpy()) < TOL, name


@pytest.mark.parametrize("seed,shape,scale", [(11, (3, 5, 4, 6), 1.0), (12, (2, 9, 3, 2), 3.0), (13, (1, 12, 2, 8), 2.0)])
def test_gru_maps_onto_torch_nn_gru(ref, seed, shape, scale):
    """nn.GRU with a diagonal W_hn and b_hn = 0 is the course GRU with the z block negated."""
    N, T, D, H = shape
    torch.manual_seed(seed)
    gru = torch.nn.GRU(D, H, batch_first=True, dtype=torch.float64)
    with torch.no_grad():
        for p in gru.parameters():
            p.mul_(scale)
        W_hn = gru.weight_hh_l0[2 * H:]
        W_hn.copy_(torch.diag(torch.diagonal(W_hn)))
        gru.bias_hh_l0[2 * H:] = 0.0
    x, h0 = random_arrays(seed, N, T, D, H, 3)[:2]
    with torch.no_grad():
        want, _ = gru(torch.tensor(x), torch.tensor(h0)[None])
    U = gru.weight_ih_l0.detach().numpy().copy()
    W = gru.weight_hh_l0.detach().numpy().copy()
    b = (gru.bias_ih_l0 + gru.bias_hh_l0).detach().numpy().copy()
    for M in (U, W, b):
        M[H:2 * H] *= -1
    h, _ = ref["gru_forward"](x, h0, U, W, b)
    assert err(h, want.numpy()) < TOL
    # with a full W_hn the two forms differ: the mapping above is special to a diagonal W_hn
    with torch.no_grad():
        gru.weight_hh_l0[2 * H:] += torch.tensor(np.random.default_rng(seed).standard_normal((H, H)))
        other, _ = gru(torch.tensor(x), torch.tensor(h0)[None])
    W[2 * H:] = gru.weight_hh_l0[2 * H:].detach().numpy()
    h_full, _ = ref["gru_forward"](x, h0, U, W, b)
    assert H == 1 or np.abs(h_full - other.numpy()).max() > 1e-3


# ------------------------------------------------------------------------------ parameter counts
@pytest.mark.parametrize("cell,module,G", [("rnn", torch.nn.RNN, 1), ("lstm", torch.nn.LSTM, 4), ("gru", torch.nn.GRU, 3)])
@pytest.mark.parametrize("D,H", [(1, 1), (3, 5), (128, 256), (300, 64)])
def test_count_parameters_matches_torch(ref, cell, module, G, D, H):
    torch_count = sum(p.numel() for p in module(D, H).parameters())
    got = ref["count_parameters"](cell, D, H)
    assert isinstance(got, int)
    assert got == torch_count - G * H     # torch keeps two bias vectors per layer; the course one


def test_count_parameters_rejects_unknown_cells(ref):
    with pytest.raises(ValueError):
        ref["count_parameters"]("transformer", 3, 4)


# ------------------------------------------------------------------------------- unit 3's experiment
def torch_module_norms(module, x, h0, lstm=False):
    """||dL/dh_k|| for L = sum(h_T), by autograd through a torch module called one step at a time."""
    state = torch.tensor(h0)[None]
    if lstm:
        state = (state, torch.zeros_like(state))
    xs, hs = torch.tensor(x), []
    for t in range(x.shape[1]):
        _, state = module(xs[:, t:t + 1], state)
        h = state[0] if lstm else state
        h.retain_grad()
        hs.append(h)
    hs[-1].sum().backward()
    return np.array([h.grad.norm().item() for h in hs[::-1]])


def module_with(kind, U, W, b):
    module = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[kind](
        U.shape[1], W.shape[1], batch_first=True, dtype=torch.float64)
    with torch.no_grad():
        module.weight_ih_l0.copy_(torch.tensor(U))
        module.weight_hh_l0.copy_(torch.tensor(W))
        module.bias_ih_l0.copy_(torch.tensor(b))
        module.bias_hh_l0.zero_()
    return module


def close(got, want, rtol=1e-9):
    return bool(np.all(np.abs(got - want) <= rtol * np.abs(want)))


@pytest.mark.parametrize("seed,shape", [(40, (3, 12, 4, 5)), (41, (2, 30, 3, 4)), (42, (1, 1, 2, 3))])
@pytest.mark.parametrize("cell", ["rnn", "lstm"])
def test_grad_norms_by_distance_match_torch_modules(ref, seed, shape, cell):
    N, T, D, H = shape
    G = {"rnn": 1, "lstm": 4}[cell]
    x, h0, U, W, b, _ = random_arrays(seed, N, T, D, H, G, scale=1.0)
    if cell == "lstm":
        b[H:2 * H] += 2.0          # forget gates near 1: the cell path carries most of the gradient
    want = torch_module_norms(module_with(cell, U, W, b), x, h0, lstm=cell == "lstm")
    got = ref["grad_norms_by_distance"](cell, x, h0, U, W, b)
    assert got.shape == (T,) and got.dtype == np.float64
    assert close(got, want)


@pytest.mark.parametrize("seed,shape", [(43, (3, 12, 4, 5)), (44, (2, 30, 3, 4))])
def test_grad_norms_by_distance_gru_matches_torch_nn_gru(ref, seed, shape):
    """nn.GRU with a diagonal W_hn and b_hn = 0 is the course GRU with its z block negated."""
    N, T, D, H = shape
    x, h0, U, W, b, _ = random_arrays(seed, N, T, D, H, 3, scale=1.0)
    W[2 * H:] = np.diag(np.diag(W[2 * H:]))
    gru = module_with("gru", U, W, b)           # b_hn = bias_hh[2H:] = 0
    with torch.no_grad():
        for p in (gru.weight_ih_l0, gru.weight_hh_l0, gru.bias_ih_l0):
            p[H:2 * H] *= -1
    want = torch_module_norms(gru, x, h0)
    assert close(ref["grad_norms_by_distance"]("gru", x, h0, U, W, b), want)


def test_grad_norms_by_distance_by_hand(ref):
    norms_of = ref["grad_norms_by_distance"]
    N, T, D, H = 2, 7, 3, 4
    x, h0 = np.zeros((N, T, D)), np.zeros((N, H))
    # RNN with every state 0: the gradient at h_(T-d) is ones @ (rho Q)^d, of norm rho^d sqrt(N H)
    Q = np.linalg.qr(np.random.default_rng(45).standard_normal((H, H)))[0]
    for rho in (0.3, 1.0, 1.7):
        assert close(norms_of("rnn", x, h0, np.ones((H, D)), rho * Q, np.zeros(H)), rho ** np.arange(T) * np.sqrt(N * H), 1e-12)
    # LSTM, gates 1/2, W_g = 2 I: dc = dc_next + dh/2, dh_prev = dc W_g / 2, dc_prev = dc / 2 gives 1/2 for d >= 1
    W = np.zeros((4 * H, H))
    W[2 * H:3 * H] = 2 * np.eye(H)
    want = np.sqrt(N * H) * np.r_[1.0, np.full(T - 1, 0.5)]
    assert close(norms_of("lstm", x, h0, np.ones((4 * H, D)), W, np.zeros(4 * H)), want, 1e-12)
    # GRU, gates 1/2, W_n = 2 I: dh_prev = dh (1 - z) + (dh z) W_n r = dh
    W = np.zeros((3 * H, H))
    W[2 * H:] = 2 * np.eye(H)
    assert close(norms_of("gru", x, h0, np.ones((3 * H, D)), W, np.zeros(3 * H)), np.full(T, np.sqrt(N * H)), 1e-12)


def test_the_figure_shows_what_the_rubric_says(ref):
    """The written answer's rubric and model answer quote these facts about the reference figure."""
    r = {name: norms / norms[0] for name, norms in ref["curves"].items()}
    assert set(r) == {"RNN, rho = 0.5", "RNN, rho = 1", "RNN, rho = 2", "LSTM", "GRU"}
    assert 1e-5 < r["RNN, rho = 0.5"][10] < 1e-3                     # "about 1e-4 in ten steps"
    assert r["RNN, rho = 1"][50] < 1e-3 < r["RNN, rho = 1"][10]        # still decays at rho = 1
    assert r["RNN, rho = 2"][50] > 1e2                                 # grows by two orders of magnitude
    for name in ("LSTM", "GRU"):                                       # faster decay than rho = 1
        assert r[name][20] < 1e-4 and r[name][20] < r["RNN, rho = 1"][20]
    for name in ("RNN, rho = 0.5", "RNN, rho = 1", "LSTM", "GRU"):    # <= 1% at 20 steps, < 1e-4 at 50
        assert r[name][20] < 1.5e-2 and 1e-19 < r[name][50] < 1e-4
