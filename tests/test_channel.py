"""The channel between the trusted tests and a student's kernel (autograder.channel).

Both ends run in this process, the kernel's end in a thread over a socket pair, so each test can
see exactly what crosses: values copied both ways, in-place changes copied back, identities kept,
call-backs, gradients across the boundary, and what the kernel may not ask of the tests' side.
"""
import collections
import inspect
import random
import socket
import struct
import threading
import time
import types

import numpy as np
import pytest
import torch

from autograder.channel import wire
from lmcourse import standin
from autograder.channel.peer import KERNEL, TESTS, KernelGlobal, KernelNamespace, Peer, RemoteError


@pytest.fixture
def kernel():
    """(call, namespace): ``call(name)`` is the tests' proxy for ``namespace[name]`` in a served 'kernel'."""
    ours, theirs = socket.socketpair()
    namespace = {}

    def serve():
        served = Peer(theirs, KERNEL, namespace=namespace)  # one peer, as the kernel keeps (see channel.kernel)
        try:
            while True:
                served.serve(None)
        except wire.ChannelClosed:
            pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    peer = Peer(ours, TESTS)
    yield (lambda name: KernelGlobal(peer, name)), namespace, peer
    ours.close()
    thread.join(timeout=5)


def roundtrip(value):
    enc = wire.Encoder(ref=lambda obj: pytest.fail(f"{type(obj).__name__} should travel as data"))
    node = enc.encode(value)
    return wire.Decoder(enc.buffers, ref=None).decode(node)


# --- values ---------------------------------------------------------------------------------

DATA = [
    None, True, 0, -7, 2**100, 1.5, float("inf"), "héllo", b"\x00\xff", bytearray(b"ab"), 1 + 2j,
    (1, (2, "x")), [1, [2.0]], {"a": 1, (1, 2): [3]}, {1, 2}, frozenset({"x"}),
    collections.Counter({("a", "b"): 2}), collections.OrderedDict([("z", 1), ("a", 2)]),
    collections.defaultdict(list, {"k": [1]}), slice(1, None, 2), range(0, 10, 3), Ellipsis,
    int, np.float64, np.dtype("int32"), np.int64(3), np.float32(0.5),
]


@pytest.mark.parametrize("value", DATA, ids=lambda v: type(v).__name__)
def test_data_keeps_its_value_and_type(value):
    back = roundtrip(value)
    assert type(back) is type(value)
    assert back == value


def test_nan_survives():
    assert np.isnan(roundtrip(float("nan")))


@pytest.mark.parametrize("array", [np.arange(6.0).reshape(2, 3), np.zeros((0, 4), np.int64), np.array([True, False]),
                                   np.array(["ab", "c"]), np.arange(12).reshape(3, 4)[:, ::2], np.float16([1, 2])])
def test_arrays_keep_values_dtype_and_shape(array):
    back = roundtrip(array)
    assert back.dtype == array.dtype and back.shape == array.shape and np.array_equal(back, array)
    assert back.flags.writeable and back.base is None or back.flags.owndata or back.base is not None


def test_object_arrays_travel_item_by_item():
    back = roundtrip(np.array([1, "a", None], dtype=object))
    assert back.dtype == object and list(back) == [1, "a", None]


def test_tensors_keep_dtype_shape_grad_and_parameter():
    t = torch.arange(6, dtype=torch.float64).reshape(2, 3).requires_grad_()
    back = roundtrip(t)
    assert back.dtype == torch.float64 and back.shape == (2, 3) and back.requires_grad and torch.equal(back.detach(), t.detach())
    p = roundtrip(torch.nn.Parameter(torch.ones(2)))
    assert isinstance(p, torch.nn.Parameter)
    assert roundtrip(torch.tensor([1.5], dtype=torch.bfloat16)).dtype == torch.bfloat16
    meta = roundtrip(torch.empty(3, 4, device="meta"))
    assert meta.device.type == "meta" and meta.shape == (3, 4)
    for value in (torch.Size([2, 3]), torch.float32, torch.device("cpu")):
        assert roundtrip(value) == value


def test_stand_in_device_tensors_models_and_gradients_stay_there(kernel):
    """The tests' stand-in accelerator (lmcourse.standin) crosses as a device: a model moved there in
    the kernel, a tensor sent there, results and gradients all stay on it."""
    on = standin.enable()
    assert roundtrip(torch.ones(2).to(on)).device == on and roundtrip(on) == on
    call, ns, _ = kernel
    ns["Linear"] = torch.nn.Linear
    ns["masked_mean"] = lambda x, lengths: (x * (torch.arange(x.shape[1], device=x.device) < lengths[:, None])).sum() / lengths.sum()
    torch.manual_seed(0)
    model = call("Linear")(3, 2)
    x = torch.randn(4, 3)
    with torch.no_grad():
        want = model(x)
    assert model.to(on)(x.to(on)).device == on
    assert torch.allclose(model(x.to(on)).detach().cpu(), want)
    leaf = torch.randn(2, 5).to(on).requires_grad_(True)
    loss = call("masked_mean")(leaf, torch.tensor([5, 2]).to(on))
    assert loss.device == on
    loss.backward()
    assert torch.allclose(leaf.grad, (torch.arange(5) < torch.tensor([5, 2])[:, None]).float() / 7)


def test_random_generators_travel_as_their_state():
    for rng, draw in ((np.random.default_rng(5), lambda g: g.integers(0, 1000, 5).tolist()),
                      (random.Random(5), lambda g: [g.random() for _ in range(3)]),
                      (torch.Generator().manual_seed(5), lambda g: torch.randint(0, 1000, (5,), generator=g).tolist())):
        copy = roundtrip(rng)
        assert draw(copy) == draw(rng)


def test_named_tuples_keep_their_fields():
    Point = collections.namedtuple("Point", "x y")
    back = roundtrip(Point(1, 2))
    assert back == (1, 2) and back.x == 1 and back.y == 2
    top = roundtrip(torch.max(torch.tensor([[1.0, 3.0]]), dim=1))
    assert top.values.tolist() == [3.0] and top.indices.tolist() == [1]


def test_other_objects_travel_as_references():
    tags = []
    enc = wire.Encoder(ref=lambda obj: tags.append(obj) or {"T": "ref", "o": "x", "i": 1})
    enc.encode([lambda: 1, object()])
    assert len(tags) == 2


@pytest.mark.parametrize("node", [
    {"T": "ndarray", "d": "<f8", "s": [3], "b": 0},  # 8 bytes for 3 floats
    {"T": "ndarray", "d": "|O", "s": [1], "b": 0},  # object dtype by bytes
    {"T": "ndarray", "d": "<f8", "s": [-1], "b": 0},
    {"T": "pickle", "v": "cos\nsystem\n"},
    {"T": "type", "n": "os.system"},
    {"T": "defaultdict", "k": [], "v": [], "f": "eval"},
    {"T": "tensor", "d": "float64", "s": [2], "b": 0, "dev": "cpu"},
    {"T": "Random", "v": [3, [1, 2], None]},
    {"T": "dict", "k": [[1]], "v": [2]},  # a list cannot be a key
])
def test_malformed_or_unsafe_values_are_refused(node):
    with pytest.raises(wire.WireError):
        wire.Decoder([memoryview(b"\x00" * 8)], ref=None).decode(node)


def test_deep_nesting_is_refused():
    value = []
    for _ in range(wire.MAX_DEPTH + 5):
        value = [value]
    with pytest.raises(wire.WireError):
        wire.Encoder(ref=None).encode(value)


def test_oversized_and_foreign_messages_are_refused():
    a, b = socket.socketpair()
    with pytest.raises(wire.WireError):
        wire.send_message(a, {"x": 1}, [b"\x00" * (wire.MAX_MESSAGE_BYTES + 1)])
    a.sendall(struct.pack(">4sQI", b"LMC1", 10, 1) + struct.pack(">Q", wire.MAX_MESSAGE_BYTES))
    with pytest.raises(wire.WireError, match="limit"):
        wire.recv_message(wire.Reader(b))
    a.sendall(b"GET / HTTP/1.1\r\n\r\n")
    with pytest.raises(wire.WireError):
        wire.recv_message(wire.Reader(b))


# --- calls ------------------------------------------------------------------------------------

def test_results_and_in_place_changes_come_back(kernel):
    call, ns, _ = kernel

    def scale(x, d, items):
        x *= 2
        d["new"] = 1
        items.append("z")
        return x.sum()

    ns["scale"] = scale
    x, d, items = np.array([1.0, 2.0]), {"old": 0}, ["a"]
    assert call("scale")(x, d, items) == 6.0
    assert x.tolist() == [2.0, 4.0] and d == {"old": 0, "new": 1} and items == ["a", "z"]


def test_untouched_arguments_are_not_rewritten(kernel):
    call, ns, _ = kernel
    ns["look"] = lambda x: float(x[0])
    x = np.array([1.0])
    view = x[:]
    assert call("look")(x) == 1.0 and view.base is x and x.tolist() == [1.0]


def test_returning_an_argument_returns_the_callers_object(kernel):
    call, ns, _ = kernel
    ns["same"] = lambda grads: grads
    ns["inner"] = lambda grads: {k: v for k, v in grads.items()}
    grads = {"W": np.ones(2)}
    assert call("same")(grads) is grads
    out = call("inner")(grads)
    assert out is not grads and out["W"] is grads["W"]
    ns["fresh"] = lambda grads: {k: v.copy() for k, v in grads.items()}
    assert call("fresh")(grads)["W"] is not grads["W"]


def test_a_kept_argument_changed_by_the_caller_is_sent_again(kernel):
    call, ns, _ = kernel
    ns["total"] = lambda counts: sum(counts.values())
    counts = collections.Counter(a=1)
    assert call("total")(counts) == 1
    counts["b"] = 5
    assert call("total")(counts) == 6


def test_a_kept_argument_changed_by_the_student_between_calls_is_restored(kernel):
    call, ns, _ = kernel
    stash = []
    ns["grab"] = lambda data: stash.append(data) or len(data)
    ns["spoil"] = lambda: stash[0].clear()
    data = [1, 2, 3]
    assert call("grab")(data) == 3
    call("spoil")()
    assert call("grab")(data) == 3, "the student's function must see the tests' value, not a copy it spoiled"
    assert data == [1, 2, 3]


def test_call_each_is_one_request_for_many_calls_with_the_results_of_a_loop(kernel, monkeypatch):
    from lmcourse.grading import call_each

    call, ns, peer = kernel
    seen = []

    def prob(word, context, counts, total):
        assert type(context) is tuple, "a tuple argument must arrive as a tuple"
        seen.append(word)
        counts["calls"] += 1  # changed in place: the change must come back once
        return (counts[context + (word,)] + 1) / (total + 3)

    ns["prob"] = prob
    counts = collections.Counter({("a", "b"): 2, ("a", "c"): 1})
    requests = []
    original = peer.request
    monkeypatch.setattr(peer, "request", lambda *a, **k: requests.append(a[0]) or original(*a, **k))
    got = call_each(call("prob"), [(w, ("a",)) for w in "bcd"], counts, 3)
    assert requests == ["call"], f"expected one request for three calls, got {requests}"
    assert got == [3 / 6, 2 / 6, 1 / 6] and seen == ["b", "c", "d"], "results and order must be those of a loop"
    assert counts["calls"] == 3, "changes made in place to a shared argument must come back"


def test_call_each_stops_at_the_first_error(kernel):
    from lmcourse.grading import call_each

    call, ns, _ = kernel
    seen = []

    def f(x):
        seen.append(x)
        if x == 2:
            raise ValueError("two is wrong")
        return x

    ns["f"] = f
    with pytest.raises(RemoteError, match="two is wrong") as info:
        call_each(call("f"), [(1,), (2,), (3,)])
    assert isinstance(info.value, ValueError) and seen == [1, 2], "the calls after the failing one must not run"
    assert call_each(f, [(1,), (3,)]) == [1, 3], "without the grader it is a plain loop"


def test_the_kernel_cannot_ask_the_tests_for_many_calls(kernel):
    call, ns, _ = kernel
    ns["batch"] = lambda callback: type(callback)._call_each(callback, [(1,), (2,)])
    with pytest.raises(RemoteError, match="only the tests ask"):
        call("batch")(lambda x: x)


def test_callbacks_run_on_the_tests_side(kernel):
    call, ns, _ = kernel

    def numgrad(f, x, eps=1e-5):
        g = np.zeros_like(x)
        for i in range(x.size):
            old = x[i]
            x[i] = old + eps
            up = f(x)
            x[i] = old - eps
            down = f(x)
            x[i] = old
            g[i] = (up - down) / (2 * eps)
        return g

    ns["numgrad"] = numgrad
    seen = []
    x = np.array([1.0, 2.0, 3.0])
    got = call("numgrad")(lambda v: seen.append(v.copy()) or float(np.sum(v ** 3)), x)
    assert np.allclose(got, 3 * x ** 2, atol=1e-5) and len(seen) == 6 and x.tolist() == [1.0, 2.0, 3.0]


def test_nested_calls_both_ways(kernel):
    call, ns, _ = kernel
    ns["double"] = lambda v: 2 * v
    ns["apply"] = lambda f, v: f(v) + 1
    assert call("apply")(lambda v: call("double")(v), 5) == 11


def test_generators_and_iterators(kernel):
    call, ns, _ = kernel

    def batches(n):
        for i in range(n):
            yield np.full(2, i)

    ns["batches"] = batches
    ns["pairs"] = lambda: iter([(1, 2), (3, 4)])
    out = call("batches")(3)
    assert inspect.isgenerator(out) and [b.tolist() for b in out] == [[0, 0], [1, 1], [2, 2]]
    assert list(call("pairs")()) == [(1, 2), (3, 4)]


def test_the_callers_generator_advances_as_if_used_in_place(kernel):
    call, ns, _ = kernel
    ns["draw"] = lambda rng, n: rng.integers(0, 10**6, n)
    rng, twin = np.random.default_rng(3), np.random.default_rng(3)
    assert call("draw")(rng, 4).tolist() == twin.integers(0, 10**6, 4).tolist()
    assert rng.integers(0, 10**6) == twin.integers(0, 10**6)
    ns["tdraw"] = lambda g: torch.randint(0, 10**6, (3,), generator=g)
    g, tg = torch.Generator().manual_seed(1), torch.Generator().manual_seed(1)
    assert call("tdraw")(g).tolist() == torch.randint(0, 10**6, (3,), generator=tg).tolist()
    assert torch.randint(0, 10**6, (1,), generator=g) == torch.randint(0, 10**6, (1,), generator=tg)


def test_errors_keep_their_type_message_and_the_students_traceback(kernel):
    call, ns, _ = kernel

    def broken(x):
        raise ValueError(f"bad {x}")

    ns["broken"] = broken
    ns["stub"] = lambda: (_ for _ in ()).throw(NotImplementedError())
    with pytest.raises(ValueError, match="bad 3") as info:
        call("broken")(3)
    assert isinstance(info.value, RemoteError) and "broken" in info.value.remote_traceback
    with pytest.raises(NotImplementedError):
        call("stub")()
    with pytest.raises(NameError, match="not defined in the notebook"):
        call("missing")()


def test_student_objects_stay_in_the_kernel(kernel):
    call, ns, _ = kernel

    class Model(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = torch.nn.Linear(2, 3)

        def forward(self, x):
            return self.lin(x)

    ns["Model"] = Model
    model = call("Model")()
    assert model.training is True and model.eval() is model and model.training is False
    state = model.state_dict()
    assert list(state) == ["lin.weight", "lin.bias"] and state["lin.weight"].shape == (3, 2)
    x = torch.ones(1, 2)
    assert torch.allclose(model(x), x @ state["lin.weight"].T + state["lin.bias"])
    model.load_state_dict({k: torch.zeros_like(v) for k, v in state.items()})
    assert model(x).abs().sum() == 0


def test_gradients_flow_back_through_a_call(kernel):
    call, ns, _ = kernel
    ns["attend"] = lambda q, k: torch.softmax(k @ q, dim=0)
    q, k = torch.randn(3, requires_grad=True, dtype=torch.float64), torch.randn(4, 3, requires_grad=True, dtype=torch.float64)
    (call("attend")(q, k) * torch.arange(4.0, dtype=torch.float64)).sum().backward()
    q2, k2 = q.detach().clone().requires_grad_(), k.detach().clone().requires_grad_()
    (torch.softmax(k2 @ q2, dim=0) * torch.arange(4.0, dtype=torch.float64)).sum().backward()
    assert torch.allclose(q.grad, q2.grad) and torch.allclose(k.grad, k2.grad)


def test_gradient_history_reads_the_same_on_both_sides(kernel):
    call, ns, _ = kernel
    ns["detach"] = lambda h: h.detach()
    ns["keep"] = lambda h: h.clone()
    h = torch.ones(2, requires_grad=True) * 2
    d = call("detach")(h)
    assert not d.requires_grad and d.grad_fn is None
    kept = call("keep")(torch.ones(2, requires_grad=True))
    assert kept.requires_grad and kept.grad_fn is not None


def test_grad_mode_travels_with_a_callback(kernel):
    call, ns, _ = kernel

    def decode(model, x):
        with torch.no_grad():
            return model(x)

    ns["decode"] = decode
    seen = []
    assert call("decode")(lambda x: seen.append(torch.is_grad_enabled()) or x * 2, torch.ones(1)).tolist() == [2.0]
    assert seen == [False]


def test_kernel_namespace_reaches_other_names(kernel):
    call, ns, peer = kernel
    ns["torch"] = torch
    k = KernelNamespace(peer)
    assert k.torch.tensor([1, 2]).tolist() == [1, 2]


# --- what the kernel may ask of the tests -------------------------------------------------------

SECRET = 42


def test_the_tests_code_and_namespace_are_out_of_reach(kernel):
    call, ns, _ = kernel

    def probe(f, attr):
        return getattr(f, attr)

    ns["probe"] = probe

    def reference(x):
        return x * SECRET

    for attr in ("__code__", "__globals__", "__closure__", "__defaults__", "__dict__", "_private"):
        with pytest.raises(AttributeError):
            call("probe")(reference, attr)

    def gen():
        yield SECRET

    # the kernel iterates a generator of the tests through a generator of its own: its frame is not the tests'
    ns["frame_values"] = lambda holder: [v for v in holder.items.gi_frame.f_locals.values() if isinstance(v, int)]
    assert SECRET not in call("frame_values")(Holder(gen()))


class Holder:
    """A test-side object holding a generator in a public attribute."""

    def __init__(self, items):
        self.items = items


def test_the_tests_objects_are_read_only_and_opaque(kernel):
    call, ns, _ = kernel

    class Table:
        def __init__(self):
            self.table = {"answer": SECRET}
            self.items = [1]

    ns["write"] = lambda h: setattr(h, "table", {})
    ns["write_item"] = lambda h: h.items.__setitem__(0, 9)
    ns["describe"] = lambda h: repr(h)
    ns["frame_of"] = lambda f: f.__self__
    holder = Table()
    with pytest.raises(PermissionError):
        call("write")(holder)
    assert holder.table == {"answer": SECRET}
    call("write_item")(holder)  # holder.items came to the kernel as a copy: the tests' list is unchanged
    assert holder.items == [1]
    with pytest.raises(PermissionError):
        call("describe")(holder)
    with pytest.raises(AttributeError):
        call("frame_of")(holder.__init__)


def test_the_next_cells_request_read_with_this_cells_end_is_served(monkeypatch):
    """The end of one cell and the first request of the next can arrive in one read: the kernel's
    end (channel.kernel.serve, one call per test cell) must keep what it read past the end."""
    import IPython

    from autograder.channel import kernel as kernel_end

    ours, theirs = socket.socketpair()
    monkeypatch.setenv(kernel_end.ENV_VAR, str(theirs.detach()))
    monkeypatch.setattr(kernel_end, "_PEER", [])
    monkeypatch.setattr(IPython, "get_ipython", lambda: types.SimpleNamespace(user_ns={"f": lambda: "answered"}))
    tests = Peer(ours, TESTS)
    tests.session = "cell-1"
    tests.end()
    wire.send_message(ours, {"m": "req", "n": 1, "op": "call", "s": "cell-2", "t": {"T": "ref", "o": "kernel", "g": "f"}, "a": []})
    kernel_end.serve("cell-1")  # reads the end, and the request behind it, in one recv
    thread = threading.Thread(target=kernel_end.serve, args=("cell-2",), daemon=True)
    thread.start()
    header, _ = wire.recv_message(wire.Reader(ours), poll=_give_up_after(5))
    assert header.get("ok") == "answered", "the request that came with the previous cell's end was lost"
    tests.session = "cell-2"
    tests.end()
    thread.join(timeout=5)
    assert not thread.is_alive()


def _give_up_after(seconds):
    deadline = time.monotonic() + seconds

    def poll():
        if time.monotonic() > deadline:
            raise TimeoutError("no answer: the kernel's side lost the request")
    return poll


def test_what_an_earlier_cell_left_on_the_socket_is_skipped():
    ours, theirs = socket.socketpair()
    tests = Peer(ours, TESTS)
    tests.session = "cell-1"
    tests.end()  # an end the kernel never read (its serve cell did not start)
    wire.send_message(ours, {"m": "req", "n": 99, "op": "call", "s": "cell-1", "t": {"T": "ref", "o": "kernel", "g": "f"}, "a": []})
    ns = {"f": lambda: "answered"}
    thread = threading.Thread(target=lambda: Peer(theirs, KERNEL, namespace=ns).serve("cell-2"), daemon=True)
    thread.start()
    tests.session = "cell-2"
    assert KernelGlobal(tests, "f")() == "answered"
    tests.end()
    thread.join(timeout=5)
    assert not thread.is_alive(), "the kernel should stop serving at its own cell's end"


def test_a_reference_from_an_earlier_cell_is_refused(kernel):
    call, ns, peer = kernel
    stash = []
    ns["keep"] = lambda f: stash.append(f)
    ns["use"] = lambda: stash[0](1)
    call("keep")(lambda x: x)
    peer.end()  # the test cell ends: references are dropped on both sides
    with pytest.raises(RemoteError, match="no longer shared|ChannelError|malformed"):
        call("use")()
