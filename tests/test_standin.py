"""The stand-in accelerator (lmcourse.standin): CPU numbers, another device's behaviour.

Each check compares with plain CPU tensors (the values) and with what PyTorch documents of a GPU
(where results land, what is refused). The registration is once per process and cannot be undone,
so these tests run in this worker with it on; :func:`test_plain_cpu_work_is_unchanged` checks that
it leaves CPU code alone.
"""
import copy

import pytest
import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from lmcourse import standin


@pytest.fixture(scope="module")
def on():
    return standin.enable()


def test_tensors_moved_there_say_so_and_keep_their_values(on):
    x = torch.randn(3, 4)
    y = x.to(on)
    assert y.device == on and str(y.device) == "standin:0" and not y.is_cpu and not y.is_cuda
    assert torch.equal(y.cpu(), x) and type(y.cpu()) is torch.Tensor and y.cpu().device.type == "cpu"
    assert y.to("cpu").device.type == "cpu" and y.to(torch.zeros(1)).device.type == "cpu"
    assert standin.enable() is on, "enable() is idempotent"


@pytest.mark.filterwarnings("ignore:To copy construct from a tensor")
def test_results_stay_on_the_device_of_their_inputs(on):
    x = torch.randn(4, 3)
    y = x.to(on)
    for name, f in [("arithmetic", lambda t: t * 2 + 1), ("reduction", lambda t: t.sum(0)), ("softmax", lambda t: t.softmax(-1)),
                    ("indexing", lambda t: t[torch.tensor([0, 2])]), ("cat", lambda t: torch.cat([t, t])),
                    ("argmax", lambda t: t.argmax(-1)), ("like", torch.zeros_like), ("new", lambda t: t.new_zeros(2)),
                    ("tensor", lambda t: torch.tensor(t)), ("comparison", lambda t: t > 0)]:
        got = f(y)
        assert got.device == on, name
        assert torch.equal(got.cpu(), f(x)), name
    for make in (lambda: torch.zeros(2, device=on), lambda: torch.arange(3, device=on), lambda: torch.randperm(4, device=on),
                 lambda: torch.tril_indices(3, 3, device=on), lambda: torch.tensor([1, 2], device=on)):
        assert make().device == on
    assert torch.as_tensor(y) is y and torch.as_tensor(y, device="cpu").device.type == "cpu"
    assert torch.tensor([1, 2]).device.type == "cpu", "a tensor made from Python numbers starts on the CPU, as on a GPU machine"
    assert y.tolist() == x.tolist() and y[0, 0].item() == x[0, 0].item()


def test_what_a_gpu_refuses_is_refused(on):
    y = torch.ones(3).to(on)
    with pytest.raises(TypeError, match="numpy"):
        y.numpy()
    with pytest.raises(RuntimeError, match="generator"):
        torch.multinomial(y, 1, generator=torch.Generator())
    assert torch.multinomial(y.cpu(), 1, generator=torch.Generator()).device.type == "cpu"
    assert not torch.accelerator.is_available(), "code choosing a device must not pick the stand-in by itself"


def test_a_module_moved_there_keeps_its_parameters_and_trains(on):
    net = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.Tanh(), torch.nn.Linear(3, 2))
    twin = copy.deepcopy(net)
    opt = torch.optim.SGD(net.parameters(), lr=0.1)  # made before the move, as a GPU allows
    before = [id(p) for p in net.parameters()]
    net.to(on)
    assert [id(p) for p in net.parameters()] == before
    assert all(p.device == on and isinstance(p, torch.nn.Parameter) for p in net.parameters())
    x = torch.randn(5, 4)
    loss = net(x.to(on)).square().sum()
    assert loss.device == on
    loss.backward()
    opt.step()
    twin_opt = torch.optim.SGD(twin.parameters(), lr=0.1)
    twin(x).square().sum().backward()
    twin_opt.step()
    for p, q in zip(net.parameters(), twin.parameters()):
        assert torch.allclose(p.detach().cpu(), q.detach(), atol=1e-6)
    copied = copy.deepcopy(net)
    assert all(p.device == on for p in copied.parameters())
    assert torch.equal(copied(x.to(on)).cpu(), net(x.to(on)).cpu())


def test_packed_recurrent_layers_run_there_with_lengths_on_the_cpu(on):
    torch.manual_seed(0)
    lstm = torch.nn.LSTM(3, 4, num_layers=2, bidirectional=True, batch_first=True)
    x, lengths = torch.randn(3, 5, 3), torch.tensor([5, 2, 4])

    def run(inputs, lens):
        packed = pack_padded_sequence(inputs, lens, batch_first=True, enforce_sorted=False)
        return pad_packed_sequence(lstm(packed)[0], batch_first=True)

    with torch.no_grad():  # a module moves by swapping its tensors, which a live graph would still hold
        want, _ = run(x, lengths)
    lstm.to(on)
    for lens in (lengths, lengths.to(on)):
        packed = pack_padded_sequence(x.to(on), lens, batch_first=True, enforce_sorted=False)
        assert packed.data.device == on and packed.batch_sizes.device.type == "cpu"
        got, got_lengths = run(x.to(on), lens)
        assert got.device == on and got_lengths.device.type == "cpu", "pad_packed_sequence's lengths stay on the CPU"
        assert torch.allclose(got.cpu(), want, atol=1e-6)


def test_a_function_that_leaves_the_device_is_caught(on):
    """What the hidden tests rely on: results built on the CPU show, correct code passes."""
    def keeps(logits):
        return logits.argmax(-1)

    def rebuilds(logits):
        return torch.tensor(logits.argmax(-1).tolist())

    def numpy_detour(logits):
        return torch.from_numpy(logits.numpy().argmax(-1))

    logits = torch.randn(2, 5).to(on)
    assert keeps(logits).device == on
    assert rebuilds(logits).device.type == "cpu"
    with pytest.raises(TypeError):
        numpy_detour(logits)


@pytest.mark.filterwarnings("ignore:To copy construct from a tensor")
def test_plain_cpu_work_is_unchanged(on):
    x = torch.randn(3)
    assert type(x * 2) is torch.Tensor and (x * 2).device.type == "cpu"
    assert type(torch.tensor(x)) is torch.Tensor and type(torch.as_tensor([1.0])) is torch.Tensor
    assert standin.is_standin("standin:0") and standin.is_standin("standin") and not standin.is_standin("cuda:0")
