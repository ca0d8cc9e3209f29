"""The reference solution of the `rnn` assignment (solutions/rnn/rnn.ipynb) against PyTorch.

Every forward output and every backward output of the NumPy reference is compared with
``torch.nn.RNN`` / torch autograd in float64, to a relative error of 1e-10 (elementwise, see
``err``), on a few seeds and shapes; the gradient-checking helper is compared with
``lmcourse.checks.central_difference`` and clipping with ``torch.nn.utils.clip_grad_norm_``.
"""
import sys
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

sys.path.insert(0, str(Path(__file__).resolve().parent))
from numeric import err, t64  # noqa: E402
from solution_code import load_solution  # noqa: E402

from lmcourse.checks import central_difference  # noqa: E402

TOL = 1e-10
SHAPES = [(0, (3, 5, 4, 6)), (1, (2, 9, 3, 2)), (2, (1, 1, 5, 3)), (3, (4, 7, 8, 8))]


@pytest.fixture(scope="module")
def ref():
    return load_solution("rnn")




def random_rnn(seed, N, T, D, H):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((N, T, D)), rng.standard_normal((N, H)),
            rng.standard_normal((H, D)) * 0.5, rng.standard_normal((H, H)) * 0.5, rng.standard_normal(H) * 0.5,
            rng.standard_normal((N, T, H)))


@pytest.mark.parametrize("seed,shape", SHAPES)
def test_rnn_forward_matches_torch_nn_rnn(ref, seed, shape):
    N, T, D, H = shape
    torch.manual_seed(seed)
    rnn = torch.nn.RNN(D, H, batch_first=True, dtype=torch.float64)
    x, h0 = random_rnn(seed, *shape)[:2]
    with torch.no_grad():
        want, h_last = rnn(torch.tensor(x), torch.tensor(h0)[None])
    U = rnn.weight_ih_l0.detach().numpy()
    W = rnn.weight_hh_l0.detach().numpy()
    b = (rnn.bias_ih_l0 + rnn.bias_hh_l0).detach().numpy()
    h, _ = ref["rnn_forward"](x, h0, U, W, b)
    assert h.shape == (N, T, H)
    assert err(h, want.numpy()) < TOL
    assert err(h[:, -1], h_last[0].numpy()) < TOL


@pytest.mark.parametrize("seed,shape", SHAPES)
def test_rnn_backward_matches_autograd(ref, seed, shape):
    x, h0, U, W, b, dh = random_rnn(seed, *shape)
    torch.manual_seed(seed)
    rnn = torch.nn.RNN(shape[2], shape[3], batch_first=True, dtype=torch.float64)
    with torch.no_grad():   # put our weights into nn.RNN (all the bias in bias_ih)
        rnn.weight_ih_l0.copy_(torch.tensor(U))
        rnn.weight_hh_l0.copy_(torch.tensor(W))
        rnn.bias_ih_l0.copy_(torch.tensor(b))
        rnn.bias_hh_l0.zero_()
    tx, th0 = t64(x), t64(h0)
    out, _ = rnn(tx, th0[None])
    out.backward(torch.tensor(dh))
    want = {"dx": tx.grad, "dh0": th0.grad, "dU": rnn.weight_ih_l0.grad, "dW": rnn.weight_hh_l0.grad,
            "db": rnn.bias_ih_l0.grad}
    h, cache = ref["rnn_forward"](x, h0, U, W, b)
    assert err(h, out.detach().numpy()) < TOL
    got = dict(zip(["dx", "dh0", "dU", "dW", "db"], ref["rnn_backward"](dh, cache)))
    for name in want:
        assert got[name].shape == tuple(want[name].shape), name
        assert err(got[name], want[name].numpy()) < TOL, name
    # b = bias_ih + bias_hh, so db is the gradient of either bias
    assert err(got["db"], rnn.bias_hh_l0.grad.numpy()) < TOL


@pytest.mark.parametrize("seed,shape", [(4, (3, 4, 5)), (5, (1, 2, 7)), (6, (6, 3, 3))])
def test_rnn_step_matches_autograd(ref, seed, shape):
    N, D, H = shape
    rng = np.random.default_rng(seed)
    arrays = [rng.standard_normal(s) for s in [(N, D), (N, H), (H, D), (H, H), (H,)]]
    dh_next = rng.standard_normal((N, H))
    tensors = [t64(a) for a in arrays]
    tx, th, tU, tW, tb = tensors
    out = torch.tanh(tx @ tU.T + th @ tW.T + tb)
    out.backward(torch.tensor(dh_next))
    h_next, cache = ref["rnn_step_forward"](*arrays)
    assert err(h_next, out.detach().numpy()) < TOL
    for name, got, t in zip(["dx", "dh_prev", "dU", "dW", "db"], ref["rnn_step_backward"](dh_next, cache), tensors):
        assert got.shape == tuple(t.shape), name
        assert err(got, t.grad.numpy()) < TOL, name


@pytest.mark.parametrize("seed,shape", [(7, (3, 6, 5, 4)), (8, (2, 10, 3, 2)), (9, (1, 1, 4, 3))])
def test_embedding_matches_autograd(ref, seed, shape):
    N, T, V, D = shape
    rng = np.random.default_rng(seed)
    E = rng.standard_normal((V, D))
    ids = rng.integers(0, V, size=(N, T))
    if N * T > V:
        assert len(np.unique(ids)) < ids.size   # repeated ids
    dx = rng.standard_normal((N, T, D))
    tE = t64(E)
    out = torch.nn.functional.embedding(torch.tensor(ids), tE)
    out.backward(torch.tensor(dx))
    x, cache = ref["embedding_forward"](ids, E)
    assert np.array_equal(x, out.detach().numpy())
    dE = ref["embedding_backward"](dx, cache)
    assert err(dE, tE.grad.numpy()) < TOL


def test_embedding_repeated_ids_by_hand(ref):
    E = np.zeros((3, 2))
    _, cache = ref["embedding_forward"](np.array([[1, 1, 1], [1, 0, 1]]), E)
    dE = ref["embedding_backward"](np.ones((2, 3, 2)), cache)
    assert np.array_equal(dE, [[1.0, 1.0], [5.0, 5.0], [0.0, 0.0]])


@pytest.mark.parametrize("seed,shape", [(10, (3, 5, 7)), (11, (2, 8, 3)), (12, (4, 1, 11))])
@pytest.mark.parametrize("mask_kind", [None, "bool", "int"])
def test_sequence_cross_entropy_matches_torch(ref, seed, shape, mask_kind):
    N, T, V = shape
    rng = np.random.default_rng(seed)
    logits = rng.standard_normal((N, T, V)) * 3
    targets = rng.integers(0, V, size=(N, T))
    mask = rng.random((N, T)) < 0.6
    mask[0, 0] = True
    if mask_kind is None:
        mask, keep = None, np.ones((N, T), dtype=bool)
    else:
        keep = mask
        mask = mask if mask_kind == "bool" else mask.astype(np.int64)
    tl = t64(logits)
    ignore = torch.tensor(np.where(keep, targets, -100))
    want = torch.nn.functional.cross_entropy(tl.reshape(N * T, V), ignore.reshape(-1), ignore_index=-100, reduction="mean")
    want.backward()
    loss, dlogits = ref["sequence_cross_entropy"](logits, targets, mask)
    assert abs(loss - want.item()) <= TOL * abs(want.item())
    assert err(dlogits, tl.grad.numpy()) < TOL
    assert np.all(dlogits[~keep] == 0)


def test_sequence_cross_entropy_large_logits(ref):
    rng = np.random.default_rng(13)
    logits = rng.standard_normal((2, 3, 5))
    targets = rng.integers(0, 5, size=(2, 3))
    loss, dlogits = ref["sequence_cross_entropy"](logits, targets)
    loss_big, dlogits_big = ref["sequence_cross_entropy"](logits + 1000.0, targets)
    assert abs(loss - loss_big) < 1e-10 and err(dlogits_big, dlogits) < 1e-10


@pytest.mark.parametrize("shape,temperature,scale", [((4, 9), 1.0, 3.0), ((2, 3, 5), 0.3, 3.0), ((6,), 2.5, 3.0),
                                                     ((3, 4), 1.0, 1000.0), ((3, 4), 0.01, 10.0)])
def test_softmax_with_temperature_matches_torch(ref, shape, temperature, scale):
    rng = np.random.default_rng(14)
    logits = rng.standard_normal(shape) * scale + (1000.0 if scale > 100 else 0.0)
    want = torch.softmax(torch.tensor(logits) / temperature, dim=-1).numpy()
    got = ref["softmax_with_temperature"](logits, temperature)
    assert got.shape == shape and np.all(np.isfinite(got))
    assert err(got, want) < TOL


@pytest.mark.parametrize("max_norm", [0.1, 1.0, 7.0, 1e3])
def test_clip_grad_norm_matches_torch(ref, max_norm):
    rng = np.random.default_rng(15)
    grads = {"E": rng.standard_normal((5, 3)), "U": rng.standard_normal((4, 3)), "b": rng.standard_normal(4)}
    copies = {k: v.copy() for k, v in grads.items()}
    params = [torch.nn.Parameter(torch.zeros(g.shape, dtype=torch.float64)) for g in grads.values()]
    for p, g in zip(params, grads.values()):
        p.grad = torch.tensor(g)
    want_norm = torch.nn.utils.clip_grad_norm_(params, max_norm).item()
    clipped, total = ref["clip_grad_norm"](grads, max_norm)
    assert abs(total - want_norm) <= 1e-12 * want_norm
    for (name, g), p in zip(clipped.items(), params):
        # torch divides by (total_norm + 1e-6); the course's formula divides by total_norm exactly
        assert err(g, p.grad.numpy()) < (1e-6 if total > max_norm else 1e-15), name
        assert err(g, copies[name] * min(1.0, max_norm / total)) < 1e-14, name
    assert all(np.array_equal(grads[k], copies[k]) for k in grads)


@pytest.mark.parametrize("shape", [(7,), (3, 4), (2, 3, 2)])
def test_numerical_gradient_matches_central_difference(ref, shape):
    rng = np.random.default_rng(16)
    x = rng.standard_normal(shape) * 10.0 ** rng.integers(-2, 3, size=shape)
    before = x.copy()
    f = lambda v: float(np.sum(np.sin(v) * v ** 2))   # noqa: E731
    for eps in (1e-5, 1e-3):
        got = ref["numerical_gradient"](f, x, eps=eps)
        assert np.array_equal(x, before)
        want = central_difference(f, x.copy(), eps=eps)
        assert np.array_equal(got, want)
