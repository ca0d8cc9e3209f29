"""The reference forward steps of the cells (lmcourse.reference.rnn, .lstm_gru) and lmcourse.cells.sigmoid
against torch.nn cells and the course GRU formula, in float64."""
import numpy as np
import pytest

from lmcourse.cells import sigmoid
from lmcourse.reference.lstm_gru import gru_cell, lstm_cell
from lmcourse.reference.rnn import rnn_cell

torch = pytest.importorskip("torch")
TOL = 1e-12
SHAPES = [(0, 3, 4, 5), (1, 1, 2, 1), (2, 6, 7, 3)]


def arrays(seed, N, D, H, G, scale=1.0):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((N, D)), rng.standard_normal((N, H)), rng.standard_normal((N, H)),
            rng.standard_normal((G * H, D)) * scale, rng.standard_normal((G * H, H)) * scale,
            rng.standard_normal(G * H) * scale)


def load(module, U, W, b):
    """Copy the course weights into a torch cell (the whole bias in bias_ih)."""
    with torch.no_grad():
        module.weight_ih.copy_(torch.tensor(U))
        module.weight_hh.copy_(torch.tensor(W))
        module.bias_ih.copy_(torch.tensor(b))
        module.bias_hh.zero_()
    return module


def test_sigmoid_is_exact_and_never_overflows():
    a = np.array([-1000.0, -30.0, -1.0, 0.0, 2.0, 40.0, 1000.0])
    with np.errstate(over="raise"):
        s = sigmoid(a)
    assert np.allclose(s, torch.sigmoid(torch.tensor(a)).numpy(), rtol=1e-15, atol=0)
    assert s[0] == 0.0 and s[-1] == 1.0 and s[3] == 0.5
    assert np.all(np.diff(s) >= 0)


@pytest.mark.parametrize("seed,N,D,H", SHAPES)
def test_rnn_cell_matches_torch(seed, N, D, H):
    x, h, _, U, W, b = arrays(seed, N, D, H, 1)
    cell = load(torch.nn.RNNCell(D, H, dtype=torch.float64), U, W, b)
    with torch.no_grad():
        want = cell(torch.tensor(x), torch.tensor(h)).numpy()
    assert np.abs(rnn_cell(x, h, U, W, b) - want).max() < TOL


@pytest.mark.parametrize("seed,N,D,H", SHAPES)
def test_lstm_cell_matches_torch(seed, N, D, H):
    x, h, c, U, W, b = arrays(seed, N, D, H, 4)
    cell = load(torch.nn.LSTMCell(D, H, dtype=torch.float64), U, W, b)
    with torch.no_grad():
        want_h, want_c = cell(torch.tensor(x), (torch.tensor(h), torch.tensor(c)))
    got_h, got_c = lstm_cell(x, h, c, U, W, b)
    assert np.abs(got_h - want_h.numpy()).max() < TOL
    assert np.abs(got_c - want_c.numpy()).max() < TOL


def course_gru_by_hand(x, h, U, W, b):
    """The course GRU one example and one unit at a time, for comparison."""
    N, H = h.shape
    out = np.empty_like(h)
    for n in range(N):
        r = [1 / (1 + np.exp(-(U[j] @ x[n] + W[j] @ h[n] + b[j]))) for j in range(H)]
        z = [1 / (1 + np.exp(-(U[H + j] @ x[n] + W[H + j] @ h[n] + b[H + j]))) for j in range(H)]
        rh = np.array(r) * h[n]
        for j in range(H):
            cand = np.tanh(U[2 * H + j] @ x[n] + W[2 * H + j] @ rh + b[2 * H + j])
            out[n, j] = (1 - z[j]) * h[n, j] + z[j] * cand
    return out


@pytest.mark.parametrize("seed,N,D,H", SHAPES)
def test_gru_cell_matches_the_formula(seed, N, D, H):
    x, h, _, U, W, b = arrays(seed, N, D, H, 3)
    assert np.abs(gru_cell(x, h, U, W, b) - course_gru_by_hand(x, h, U, W, b)).max() < TOL


@pytest.mark.parametrize("seed,N,D,H", SHAPES)
def test_gru_cell_maps_onto_torch_with_diagonal_w_hn(seed, N, D, H):
    """nn.GRUCell with a diagonal W_hn and b_hn = 0 is the course GRU with its z blocks negated."""
    torch.manual_seed(seed)
    cell = torch.nn.GRUCell(D, H, dtype=torch.float64)
    with torch.no_grad():
        cell.weight_hh[2 * H:] = torch.diag(torch.diagonal(cell.weight_hh[2 * H:])) * 2.0
        cell.bias_hh[2 * H:] = 0.0
    x, h = arrays(seed, N, D, H, 3)[:2]
    with torch.no_grad():
        want = cell(torch.tensor(x), torch.tensor(h)).numpy()
    U, W = cell.weight_ih.detach().numpy().copy(), cell.weight_hh.detach().numpy().copy()
    b = (cell.bias_ih + cell.bias_hh).detach().numpy().copy()
    for M in (U, W, b):
        M[H:2 * H] *= -1
    assert np.abs(gru_cell(x, h, U, W, b) - want).max() < TOL
    if H > 1:       # with a full W_hn the two forms really differ
        W[2 * H:] += 1.0
        with torch.no_grad():
            cell.weight_hh[2 * H:] += 1.0
            other = cell(torch.tensor(x), torch.tensor(h)).numpy()
        assert np.abs(gru_cell(x, h, U, W, b) - other).max() > 1e-3


def test_cells_do_not_modify_inputs_and_keep_shapes():
    for name, G in {"rnn": 1, "lstm": 4, "gru": 3}.items():
        x, h, c, U, W, b = arrays(3, 4, 3, 2, G)
        saved = [a.copy() for a in (x, h, c, U, W, b)]
        out = lstm_cell(x, h, c, U, W, b) if name == "lstm" else {"rnn": rnn_cell, "gru": gru_cell}[name](x, h, U, W, b)
        for o in (out if isinstance(out, tuple) else (out,)):
            assert o.shape == (4, 2) and o.dtype == np.float64
        for a, s in zip((x, h, c, U, W, b), saved):
            assert np.array_equal(a, s)
