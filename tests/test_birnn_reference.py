"""The reference solution of the `birnn` assignment (solutions/birnn/birnn.ipynb) against PyTorch.

The NumPy bidirectional and stacked passes are loaded with the weights of float64
``torch.nn.RNN/LSTM/GRU(bidirectional=True, num_layers=2, batch_first=True)`` and compared with
them on packed sequences (``pack_padded_sequence(..., enforce_sorted=False)``, padded back with
zeros), to a relative error of 1e-10. ``nn.GRU`` is copied through the mapping of the course
(every W_hn diagonal, b_hn = 0, update-gate blocks negated); the course GRU with a full W_n is also
compared with a per-sequence loop. ``reverse_padded`` and ``mean_pool`` are checked on small
arrays worked out by hand.
"""
import sys
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from numeric import err  # noqa: E402
from solution_code import load_solution  # noqa: E402

from lmcourse.reference.lstm_gru import gru_cell  # noqa: E402

TOL = 1e-10
CELLS = ["rnn", "lstm", "gru"]
SHAPES = [(0, (4, 6, 3, 5)), (1, (1, 1, 2, 3)), (2, (5, 9, 4, 2)), (3, (3, 7, 2, 1))]
MODULES = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}


@pytest.fixture(scope="module")
def ref():
    return load_solution("birnn")



def torch_module(cell, D, H, num_layers, bidirectional, seed):
    torch.manual_seed(seed)
    module = MODULES[cell](D, H, num_layers=num_layers, bidirectional=bidirectional, batch_first=True,
                           dtype=torch.float64)
    if cell == "gru":
        with torch.no_grad():
            for name, p in module.named_parameters():
                if name.startswith("weight_hh"):
                    p[2 * H:] = torch.diag(torch.diagonal(p[2 * H:])) * 1.5
                elif name.startswith("bias_hh"):
                    p[2 * H:] = 0.0
    return module


def course_params(module, layer, reverse=False):
    sfx = f"_l{layer}" + ("_reverse" if reverse else "")
    U, W, b_ih, b_hh = (getattr(module, n + sfx).detach().numpy().copy()
                        for n in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"))
    b = b_ih + b_hh
    if isinstance(module, torch.nn.GRU):
        H = module.hidden_size
        for M in (U, W, b):
            M[H:2 * H] *= -1
    return U, W, b


def course_layers(module):
    if module.bidirectional:
        return [(course_params(module, l), course_params(module, l, True)) for l in range(module.num_layers)]
    return [course_params(module, l) for l in range(module.num_layers)]


def packed_states(module, x, lengths):
    packed = pack_padded_sequence(torch.tensor(x), torch.as_tensor(lengths), batch_first=True, enforce_sorted=False)
    with torch.no_grad():
        out, _ = module(packed)
    return pad_packed_sequence(out, batch_first=True, total_length=x.shape[1])[0].numpy()


def batch(seed, N, T, D):
    rng = np.random.default_rng(seed)
    lengths = rng.integers(1, T + 1, size=N)
    lengths[rng.integers(N)] = T
    return rng.standard_normal((N, T, D)), lengths


def padded(lengths, T):
    return np.arange(T)[None, :] >= np.asarray(lengths)[:, None]


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("seed,shape", SHAPES)
def test_stacked_bidirectional_matches_torch_packed(ref, cell, seed, shape):
    N, T, D, H = shape
    module = torch_module(cell, D, H, 2, True, seed)
    x, lengths = batch(seed, N, T, D)
    h = ref["stacked_forward"](x, lengths, course_layers(module), cell=cell, bidirectional=True)
    assert h.shape == (N, T, 2 * H)
    assert np.all(h[padded(lengths, T)] == 0)
    assert err(h, packed_states(module, x, lengths)) < TOL


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("seed,shape", SHAPES)
def test_stacked_unidirectional_matches_torch_packed(ref, cell, seed, shape):
    N, T, D, H = shape
    module = torch_module(cell, D, H, 2, False, seed)
    x, lengths = batch(seed, N, T, D)
    h = ref["stacked_forward"](x, lengths, course_layers(module), cell=cell)
    assert h.shape == (N, T, H)
    assert np.all(h[padded(lengths, T)] == 0)
    assert err(h, packed_states(module, x, lengths)) < TOL


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("seed,shape", SHAPES)
def test_birnn_forward_matches_torch_packed(ref, cell, seed, shape):
    """One bidirectional layer, and its two halves in PyTorch's order [forward; backward]."""
    N, T, D, H = shape
    module = torch_module(cell, D, H, 1, True, seed)
    x, lengths = batch(seed, N, T, D)
    h = ref["birnn_forward"](x, lengths, course_params(module, 0), course_params(module, 0, True), cell=cell)
    want = packed_states(module, x, lengths)
    assert h.shape == (N, T, 2 * H)
    assert err(h, want) < TOL
    # the stacked pass of one layer is the same layer
    layers = [(course_params(module, 0), course_params(module, 0, True))]
    assert err(ref["stacked_forward"](x, lengths, layers, cell=cell, bidirectional=True), want) < TOL


@pytest.mark.parametrize("seed,shape", SHAPES)
def test_gru_with_full_w_n_matches_a_loop_over_each_sequence(ref, seed, shape):
    N, T, D, H = shape
    rng = np.random.default_rng(seed + 100)
    x, lengths = batch(seed, N, T, D)
    p_f, p_b = [(rng.standard_normal((3 * H, D)), rng.standard_normal((3 * H, H)), rng.standard_normal(3 * H))
                for _ in range(2)]
    h = ref["birnn_forward"](x, lengths, p_f, p_b, cell="gru")

    def run(seq, params):
        state, out = np.zeros((1, H)), []
        for x_t in seq:
            state = gru_cell(x_t[None], state, *params)
            out.append(state[0])
        return np.array(out)

    for i, L in enumerate(lengths):
        want = np.concatenate([run(x[i, :L], p_f), run(x[i, :L][::-1], p_b)[::-1]], axis=1)
        assert err(h[i, :L], want) < TOL
        assert np.all(h[i, L:] == 0)


def test_reverse_padded_by_hand(ref):
    x = np.array([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]])
    lengths = np.array([2, 4, 1])
    got = ref["reverse_padded"](x, lengths)
    assert np.array_equal(got, [[2, 1, 3, 4], [8, 7, 6, 5], [9, 10, 11, 12]])
    assert np.array_equal(x, np.arange(1, 13).reshape(3, 4))          # input untouched
    x3 = np.arange(12.0).reshape(2, 3, 2)
    got3 = ref["reverse_padded"](x3, np.array([3, 2]))
    assert np.array_equal(got3, [[[4, 5], [2, 3], [0, 1]], [[8, 9], [6, 7], [10, 11]]])
    assert np.array_equal(ref["reverse_padded"](got3, np.array([3, 2])), x3)


def test_mean_pool_by_hand(ref):
    h = np.array([[[1.0, -1.0], [3.0, 5.0], [99.0, 99.0]],
                  [[2.0, 4.0], [4.0, 8.0], [6.0, 0.0]],
                  [[7.0, 7.0], [np.nan, 1e300], [-5.0, 5.0]]])
    got = ref["mean_pool"](h, np.array([2, 3, 1]))
    assert np.array_equal(got, [[2.0, 2.0], [4.0, 4.0], [7.0, 7.0]])


def test_unknown_cell_is_rejected(ref):
    x, lengths = batch(0, 2, 3, 2)
    params = (np.zeros((2, 2)), np.zeros((2, 2)), np.zeros(2))
    with pytest.raises(ValueError):
        ref["masked_forward"](x, lengths, params, cell="transformer")


# ------------------------------------------------------------------------------ the PyTorch tagger
def test_tagger_matches_each_sentence_run_alone_in_both_directions(ref):
    """The logits of every real character equal those of an nn.LSTM run, in each direction, on that
    sentence alone (no padding at all), with the tagger's own weights."""
    torch.manual_seed(0)
    V, E, H = 12, 5, 4
    model = ref["Tagger"](V, emb_size=E, hidden_size=H, num_layers=1, bidirectional=True)
    ids = torch.randint(2, V, (4, 8))
    lengths = torch.tensor([8, 3, 5, 1])
    ids[torch.arange(8)[None, :] >= lengths[:, None]] = 0
    with torch.no_grad():
        logits = model(ids, lengths)
        fwd = torch.nn.LSTM(E, H, batch_first=True)
        bwd = torch.nn.LSTM(E, H, batch_first=True)
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            getattr(fwd, name + "_l0").copy_(getattr(model.lstm, name + "_l0"))
            getattr(bwd, name + "_l0").copy_(getattr(model.lstm, name + "_l0_reverse"))
        for i, L in enumerate(lengths.tolist()):
            x = model.embed(ids[i:i + 1, :L])
            h_f = fwd(x)[0]
            h_b = torch.flip(bwd(torch.flip(x, dims=[1]))[0], dims=[1])
            want = model.out(torch.cat([h_f, h_b], dim=2))[0]
            assert torch.allclose(logits[i, :L], want, atol=1e-6)
    assert logits.shape == (4, 8, 2)


@pytest.mark.parametrize("layers,bi", [(1, True), (2, True), (1, False), (2, False)])
def test_tagger_parameter_count_and_padding(ref, layers, bi):
    torch.manual_seed(1)
    V, E, H = 10, 3, 5
    model = ref["Tagger"](V, emb_size=E, hidden_size=H, num_layers=layers, bidirectional=bi)
    dirs = 2 if bi else 1
    lstm = sum(dirs * (4 * H * ((E if l == 0 else dirs * H) + H) + 8 * H) for l in range(layers))
    assert sum(p.numel() for p in model.parameters()) == V * E + lstm + dirs * H * 2 + 2
    ids = torch.randint(2, V, (3, 6))
    lengths = torch.tensor([6, 2, 4])
    real = torch.arange(6)[None, :] < lengths[:, None]
    junk = ids.clone()
    junk[~real] = 7
    with torch.no_grad():
        a = model(ids, lengths)
        b = model(torch.cat([junk, torch.full((3, 3), 0)], dim=1), lengths)
    assert b.shape == (3, 9, 2)
    assert torch.allclose(a[real], b[:, :6][real], atol=1e-6)


def test_masked_cross_entropy_by_hand(ref):
    logits = torch.tensor([[[0.0, 0.0], [2.0, 0.0], [9.0, -9.0]],
                           [[1.0, 3.0], [5.0, 5.0], [-7.0, 7.0]]], requires_grad=True)
    labels = torch.tensor([[1, 0, 1], [1, 0, 0]])
    lengths = torch.tensor([2, 1])
    loss = ref["masked_cross_entropy"](logits, labels, lengths)
    # -log softmax: [0,0]->1: ln 2; [2,0]->0: ln(1 + e^-2); [1,3]->1: ln(1 + e^-2)
    want = (np.log(2) + 2 * np.log1p(np.exp(-2))) / 3
    assert loss.dim() == 0 and float(loss) == pytest.approx(want, abs=1e-6)
    loss.backward()
    assert torch.all(logits.grad[0, 2] == 0) and torch.all(logits.grad[1, 1:] == 0)
    p = torch.softmax(logits.detach()[0, 0], -1)
    assert torch.allclose(logits.grad[0, 0], (p - torch.tensor([0.0, 1.0])) / 3)
