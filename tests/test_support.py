"""The small support modules: grading flag, device choice, numerical checks."""
import subprocess
import sys

import numpy as np
import pytest

from lmcourse import checks, device, grading
from lmcourse.reference.rnn import numerical_gradient


def test_autograding_flag(monkeypatch):
    monkeypatch.delenv(grading.ENV_VAR, raising=False)
    assert not grading.autograding() and grading.budget(100, 5) == 100
    for value in ("1", "true", "yes"):
        monkeypatch.setenv(grading.ENV_VAR, value)
        assert grading.autograding() and grading.budget(100, 5) == 5
    monkeypatch.setenv(grading.ENV_VAR, "0")
    assert not grading.autograding()


def test_table_lm_gives_the_last_ids_row_and_records_its_calls():
    torch = pytest.importorskip("torch")
    table = torch.tensor([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0]])
    model = grading.table_lm(table)
    x = torch.tensor([[2, 0], [1, 1]])
    state = object()
    logits, got_state = model(x, state)
    assert logits.shape == (2, 2, 3) and torch.equal(logits[0, 0], table[2]) and torch.equal(logits[1, 1], table[1])
    assert got_state is state, "the state passes through"
    assert [p.shape for p in model.parameters()] == [(3, 3)] and model.training
    with torch.no_grad():
        model.eval()
        model(x)
    assert model.calls == [(True, True), (False, False)], "each call records (grad enabled, training)"
    model.table.data.zero_()
    assert table[2, 2] == 8.0, "the model keeps its own copy of the table"


def test_pick_device_defaults_to_what_exists(monkeypatch):
    torch = pytest.importorskip("torch")
    monkeypatch.delenv("LMCOURSE_DEVICE", raising=False)
    want = "cuda" if torch.cuda.is_available() else "cpu"
    assert device.pick_device().type == want
    assert device.pick_device("cpu").type == "cpu"
    if not torch.cuda.is_available():
        with pytest.raises(RuntimeError, match="CUDA is not available"):
            device.pick_device("cuda")


def test_seed_everything_repeats_numpy_and_torch():
    torch = pytest.importorskip("torch")
    device.seed_everything(3)
    a = (np.random.rand(3), torch.rand(3))
    device.seed_everything(3)
    b = (np.random.rand(3), torch.rand(3))
    assert np.array_equal(a[0], b[0]) and torch.equal(a[1], b[1])


def test_seed_everything_does_not_import_torch():
    code = "import sys; from lmcourse import device; device.seed_everything(0); print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False", "seed_everything imported torch in a process that had not"


def test_rel_error():
    assert checks.rel_error(np.ones(3), np.ones(3)) == 0.0
    assert checks.rel_error(1.0, 3.0) == pytest.approx(0.5)
    assert checks.rel_error(np.zeros(2), np.zeros(2)) == 0.0
    with pytest.raises(ValueError, match="shapes differ"):
        checks.rel_error(np.ones(2), np.ones(3))
    # one meaning for the whole course: norms over all entries, so a tiny entry's own relative
    # error (here 1/3) does not dominate: ||(0, 1e-9)|| / (||(1, 1e-9)|| + ||(1, 2e-9)||) ~ 5e-10
    assert checks.rel_error(np.array([1.0, 1e-9]), np.array([1.0, 2e-9])) == pytest.approx(5e-10, rel=1e-6)


def test_reference_numerical_gradient_matches_analytic_gradient_and_restores_x():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 4))
    before = x.copy()
    grad = numerical_gradient(lambda z: np.sum(np.sin(z) * z), x)
    assert checks.rel_error(grad, np.cos(before) * before + np.sin(before)) < 1e-8
    assert np.array_equal(x, before), "x must be restored exactly"
