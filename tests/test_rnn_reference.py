"""The reference solution of the `rnn` assignment (solutions/rnn/rnn.ipynb) against PyTorch.

Every forward output and every backward output of the NumPy reference is compared with
``torch.nn.RNN`` / torch autograd in float64, to a relative error of 1e-10 (elementwise, see
``err``), on a few seeds and shapes; the gradient-checking helper is compared with
``lmcourse.reference.rnn.numerical_gradient`` (the course's own, itself checked in ``tests/test_support.py``) and clipping with ``torch.nn.utils.clip_grad_norm_``.
The whole language model (``rnn_lm_forward_backward``) is compared with ``nn.Embedding``, ``nn.RNN``
and ``nn.Linear`` holding the same weights, and with central differences of that torch loss; the
sampler (``rnn_lm_sample``) with hand-built models whose greedy path and exact distribution over
short sequences are worked out here.
"""
import sys
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

sys.path.insert(0, str(Path(__file__).resolve().parent))
from numeric import err, t64  # noqa: E402
from solution_code import load_solution  # noqa: E402

from lmcourse.checks import rel_error  # noqa: E402
from lmcourse.reference.rnn import numerical_gradient as central_difference  # noqa: E402

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


# ------------------------------------------------------------------------------ the language model
def random_lm(seed, N, T, V_in, V, D, H, lengths):
    rng = np.random.default_rng(seed)
    params = {"E": rng.standard_normal((V_in, D)), "U": rng.standard_normal((H, D)) * 0.6,
              "W": rng.standard_normal((H, H)) * 0.6, "b": rng.standard_normal(H) * 0.3,
              "Wy": rng.standard_normal((V, H)), "by": rng.standard_normal(V) * 0.3}
    inputs, targets = rng.integers(0, V_in, size=(N, T)), rng.integers(0, V, size=(N, T))
    mask = np.arange(T)[None, :] < np.asarray(lengths)[:, None]
    return params, inputs, targets, mask, rng.standard_normal((N, H)) * 0.5


def torch_lm(params, inputs, targets, mask, h0):
    """nn.Embedding -> nn.RNN -> nn.Linear with the course's weights; mean cross-entropy over the mask."""
    V_in, D = params["E"].shape
    V, H = params["Wy"].shape
    emb = torch.nn.Embedding(V_in, D, dtype=torch.float64)
    rnn = torch.nn.RNN(D, H, batch_first=True, dtype=torch.float64)
    out = torch.nn.Linear(H, V, dtype=torch.float64)
    with torch.no_grad():
        emb.weight.copy_(torch.tensor(params["E"]))
        rnn.weight_ih_l0.copy_(torch.tensor(params["U"]))
        rnn.weight_hh_l0.copy_(torch.tensor(params["W"]))
        rnn.bias_ih_l0.copy_(torch.tensor(params["b"]))
        rnn.bias_hh_l0.zero_()
        out.weight.copy_(torch.tensor(params["Wy"]))
        out.bias.copy_(torch.tensor(params["by"]))
    states, _ = rnn(emb(torch.tensor(inputs)), torch.tensor(h0)[None])
    logits = out(states)
    ignore = torch.tensor(np.where(mask, targets, -100))
    loss = torch.nn.functional.cross_entropy(logits.reshape(-1, V), ignore.reshape(-1), ignore_index=-100)
    return loss, states, {"E": emb.weight, "U": rnn.weight_ih_l0, "W": rnn.weight_hh_l0, "b": rnn.bias_ih_l0,
                          "Wy": out.weight, "by": out.bias}


LM_CASES = [(20, (3, 6, 7, 5, 4, 5), [6, 3, 1]), (21, (2, 9, 4, 3, 2, 3), [2, 9]),
            (22, (4, 4, 5, 6, 3, 6), [4, 4, 2, 0]), (23, (1, 1, 3, 3, 2, 2), [1])]


@pytest.mark.parametrize("seed,shape,lengths", LM_CASES)
def test_rnn_lm_forward_backward_matches_torch_modules(ref, seed, shape, lengths):
    params, inputs, targets, mask, h0 = random_lm(seed, *shape, lengths)
    want_loss, states, tensors = torch_lm(params, inputs, targets, mask, h0)
    want_loss.backward()
    loss, grads, h_last = ref["rnn_lm_forward_backward"](params, inputs, targets, mask, h0)
    assert abs(loss - want_loss.item()) <= TOL * want_loss.item()
    assert set(grads) == set(params)
    for name, t in tensors.items():
        assert grads[name].shape == params[name].shape, name
        assert err(grads[name], t.grad.numpy()) < TOL, name
    states = states.detach().numpy()
    for n, length in enumerate(lengths):   # the state after the last real step; h0 for an empty row
        want_h = states[n, length - 1] if length else h0[n]
        assert err(h_last[n], want_h) < TOL


def test_rnn_lm_forward_backward_matches_central_differences_of_torch_loss(ref):
    params, inputs, targets, mask, h0 = random_lm(24, 2, 5, 4, 4, 3, 3, [5, 2])
    _, grads, _ = ref["rnn_lm_forward_backward"](params, inputs, targets, mask, h0)
    for name in params:
        def f(value, name=name):
            with torch.no_grad():
                return torch_lm({**params, name: value}, inputs, targets, mask, h0)[0].item()
        numeric = central_difference(f, params[name].copy())
        assert rel_error(grads[name], numeric) < 1e-8, name


def test_rnn_lm_forward_backward_leaves_arguments_alone(ref):
    params, inputs, targets, mask, h0 = random_lm(25, 3, 4, 5, 4, 3, 3, [4, 0, 2])
    saved = ({k: v.copy() for k, v in params.items()}, inputs.copy(), targets.copy(), mask.copy(), h0.copy())
    _, grads, h_last = ref["rnn_lm_forward_backward"](params, inputs, targets, mask, h0)
    assert all(np.array_equal(params[k], saved[0][k]) for k in params)
    assert all(np.array_equal(a, b) for a, b in zip((inputs, targets, mask, h0), saved[1:]))
    assert all(not np.shares_memory(grads[k], params[k]) for k in params)
    assert not np.shares_memory(h_last, h0) and np.array_equal(h_last[1], h0[1])


# ------------------------------------------------------------------------------ the sampler
def chain_model(next_ids, V_in, V, sharpness):
    """W = 0, E = 3 I, U = I: after input i the logits are `sharpness` at next_ids[i] and 0 elsewhere."""
    Wy = np.zeros((V, V_in))
    for i, j in next_ids.items():
        Wy[j, i] = sharpness / np.tanh(3.0)
    return {"E": 3.0 * np.eye(V_in), "U": np.eye(V_in), "W": np.zeros((V_in, V_in)), "b": np.zeros(V_in),
            "Wy": Wy, "by": np.zeros(V)}


def test_rnn_lm_sample_greedy_path_by_hand(ref):
    sample = ref["rnn_lm_sample"]
    params = chain_model({4: 2, 2: 3, 3: 1, 1: 0, 0: 0}, V_in=5, V=4, sharpness=1.0)
    for seed in range(3):
        assert sample(params, 4, 0, 10, temperature=1e-3, rng=np.random.default_rng(seed)) == [2, 3, 1]
    assert sample(params, 4, 0, 2, temperature=1e-3, rng=np.random.default_rng(0)) == [2, 3]
    assert sample(params, 4, 3, 10, temperature=1e-3, rng=np.random.default_rng(0)) == [2]
    loop = chain_model({4: 1, 1: 2, 2: 3, 3: 1, 0: 1}, V_in=5, V=4, sharpness=40.0)
    for max_len in (1, 3, 8):
        assert len(sample(loop, 4, 0, max_len, rng=np.random.default_rng(max_len))) == max_len


def exact_short_sequences(params, start, end, temperature):
    """P of every outcome of a sampler with max_len = 2: (), (a,) then end, (a, b), a, b != end."""
    def step(token, h):
        h = np.tanh(params["E"][token] @ params["U"].T + h @ params["W"].T + params["b"])
        z = (h @ params["Wy"].T + params["by"]) / temperature
        p = np.exp(z - z.max())
        return h, p / p.sum()
    h1, p1 = step(start, np.zeros(params["W"].shape[0]))
    probs = {(): p1[end]}
    for a in range(len(p1)):
        if a != end:
            _, p2 = step(a, h1)
            probs[(a,)] = p1[a] * p2[end]
            for b in range(len(p2)):
                if b != end:
                    probs[(a, b)] = p1[a] * p2[b]
    return probs


@pytest.mark.parametrize("temperature", [1.0, 0.5, 2.0])
def test_rnn_lm_sample_follows_the_exact_distribution(ref, temperature):
    rng = np.random.default_rng(26)
    V_in, V, D, H = 4, 3, 3, 4
    params = {"E": rng.standard_normal((V_in, D)) * 1.5, "U": rng.standard_normal((H, D)), "W": rng.standard_normal((H, H)),
              "b": rng.standard_normal(H) * 0.3, "Wy": rng.standard_normal((V, H)) * 1.5, "by": rng.standard_normal(V) * 0.3}
    probs = exact_short_sequences(params, 3, 0, temperature)
    assert abs(sum(probs.values()) - 1) < 1e-12
    draws = 4000
    gen = np.random.default_rng(27)
    counts = {k: 0 for k in probs}
    for _ in range(draws):
        counts[tuple(ref["rnn_lm_sample"](params, 3, 0, 2, temperature, gen))] += 1
    chi2 = sum((counts[k] - draws * p) ** 2 / (draws * p) for k, p in probs.items())
    # 7 outcomes, 6 degrees of freedom: P(chi2 > 30) is about 4e-5 for a correct sampler
    assert chi2 < 30, (chi2, counts, probs)


def test_rnn_lm_sample_reproducible_and_leaves_params_alone(ref):
    rng = np.random.default_rng(28)
    params = {"E": rng.standard_normal((5, 3)), "U": rng.standard_normal((4, 3)), "W": rng.standard_normal((4, 4)),
              "b": np.zeros(4), "Wy": rng.standard_normal((4, 4)), "by": np.zeros(4)}
    saved = {k: v.copy() for k, v in params.items()}
    a = ref["rnn_lm_sample"](params, 4, 0, 30, 1.0, np.random.default_rng(3))
    b = ref["rnn_lm_sample"](params, 4, 0, 30, 1.0, np.random.default_rng(3))
    assert a == b and a is not b and all(isinstance(i, int) for i in a) and 0 not in a
    assert all(np.array_equal(params[k], saved[k]) for k in params)
