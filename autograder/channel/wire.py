"""The channel's message format: a JSON header and raw byte buffers, read without running code.

A value is *data* when it can be written out completely and read back into a new object of the
same kind: None, bool, int, float, complex, str, bytes, tuple (named ones keep their field
names), list, dict, set, the ``collections`` dicts, slices and ranges, NumPy arrays, scalars and
dtypes, a few well-known types (``int``, ``np.float64``), torch tensors (dtype, device,
``requires_grad``, whether it is a leaf or a ``Parameter``), ``torch.Size``, ``torch.dtype``,
``torch.device``, ``PackedSequence``, and the state of random generators (NumPy, torch and
``random.Random``). Anything else travels as a reference that the :class:`Encoder`'s owner
numbers; the other side holds a proxy (see :mod:`autograder.channel.peer`).

Reading a message builds plain objects from a whitelist of kinds, checks every array's size
against its bytes, and bounds the message size and the nesting depth; nothing in a message can
name a class to instantiate or a function to call.
"""
import json
import math
import select
import struct
import sys

MAX_MESSAGE_BYTES = 64 * 2**20
MAX_DEPTH = 64
_FRAME = struct.Struct(">4sQI")
_MAGIC = b"LMC1"
_ARRAY_KINDS = frozenset("biufcUS")
_DICT_KINDS = ("dict", "Counter", "OrderedDict", "defaultdict")
_NP_BIT_GENERATORS = ("PCG64", "PCG64DXSM", "MT19937", "Philox", "SFC64")


class WireError(Exception):
    """A message that is malformed, too large, or asks for something the format does not carry."""


class ChannelClosed(WireError):
    """The other end went away (its process ended, or it stopped serving)."""


# --- framing --------------------------------------------------------------------------------------

def send_message(sock, header, buffers=()):
    """Write one message: ``header`` (JSON-able) and a list of byte buffers."""
    body = json.dumps(header, separators=(",", ":"), allow_nan=True).encode()
    lengths = b"".join(struct.pack(">Q", len(b)) for b in buffers)
    total = len(body) + sum(len(b) for b in buffers)
    if total > MAX_MESSAGE_BYTES:
        raise WireError(f"a message of {total / 2**20:.0f} MB is over the channel's limit of {MAX_MESSAGE_BYTES >> 20} MB")
    head = _FRAME.pack(_MAGIC, len(body), len(buffers)) + lengths + body
    if total < 1 << 20:  # small messages (nearly all) in one system call
        sock.sendall(b"".join([head, *buffers]))
    else:
        sock.sendall(head)
        for b in buffers:
            sock.sendall(b)


class Reader:
    """Reads whole messages off a socket, as few system calls as it takes."""

    def __init__(self, sock):
        self.sock = sock
        self.buffer = bytearray()

    def read(self, n, poll):
        """The next ``n`` bytes; ``poll`` is called about every 0.2 s while waiting and may raise."""
        while len(self.buffer) < n:
            if poll is not None:
                while not select.select([self.sock], [], [], 0.2)[0]:
                    poll()
            chunk = self.sock.recv(max(1 << 16, min(n - len(self.buffer), 1 << 24)))
            if not chunk:
                raise ChannelClosed("the other end of the channel closed it")
            self.buffer += chunk
        out = bytes(self.buffer[:n])
        del self.buffer[:n]
        return out


def recv_message(reader, poll=None, limit=MAX_MESSAGE_BYTES):
    """Read one message from a :class:`Reader`; returns (header, [bytes, ...]).

    ``poll`` is called about every 0.2 s while waiting, and may raise to stop the wait.
    """
    magic, body_len, n_buffers = _FRAME.unpack(reader.read(_FRAME.size, poll))
    if magic != _MAGIC or n_buffers > 1_000_000:
        raise WireError("not a channel message")
    lengths = struct.unpack(f">{n_buffers}Q", reader.read(8 * n_buffers, poll)) if n_buffers else ()
    if body_len + sum(lengths) > limit:
        raise WireError(f"a message of {(body_len + sum(lengths)) / 2**20:.0f} MB is over the channel's limit of {limit >> 20} MB")
    try:
        header = json.loads(reader.read(body_len, poll))
    except (ValueError, RecursionError) as exc:
        raise WireError(f"unreadable message: {str(exc)[:100]}") from None
    return header, [reader.read(n, poll) for n in lengths]


# --- encoding -------------------------------------------------------------------------------------

class Encoder:
    """Turns values into a JSON-able tree plus buffers.

    ``ref(obj)`` returns the tag of a reference for a value that is not data; ``alias(obj)``
    returns a path (list) when ``obj`` is an object the receiver already holds, else None.
    """

    def __init__(self, ref, alias=None):
        self.ref = ref
        self.alias = alias
        self.buffers = []
        self.tensors = []  # in the order they were written (the callee reads them in the same order)
        self.tensor_tag = None  # called as tensor_tag(tensor, tag) for each tensor written

    def encode(self, value, depth=0):
        if depth > MAX_DEPTH:
            raise WireError(f"a value nested more than {MAX_DEPTH} levels deep")
        t = type(value)
        if value is None or t is bool or t is str or t is int:
            return value
        if t is float:
            return value if math.isfinite(value) else {"T": "float", "v": repr(value)}
        if self.alias is not None:
            path = self.alias(value)
            if path is not None:
                return {"T": "alias", "p": path}
        d = depth + 1
        if t is list:
            return [self.encode(v, d) for v in value]
        if t is tuple:
            return {"T": "tuple", "v": [self.encode(v, d) for v in value]}
        if isinstance(value, dict) and t.__name__ in _DICT_KINDS and t.__module__ in ("builtins", "collections"):
            return self._dict(value, d)
        if t is set or t is frozenset:
            return {"T": t.__name__, "v": [self.encode(v, d) for v in value]}
        if t is bytes or t is bytearray:
            return {"T": t.__name__, "b": self._buffer(bytes(value))}
        if t is complex:
            return {"T": "complex", "v": [repr(value.real), repr(value.imag)]}
        if t is slice:
            return {"T": "slice", "v": [self.encode(v, d) for v in (value.start, value.stop, value.step)]}
        if t is range:
            return {"T": "range", "v": [value.start, value.stop, value.step]}
        if value is Ellipsis:
            return {"T": "Ellipsis"}
        if isinstance(value, type) and _known_types().get(_type_name(value)) is value:
            return {"T": "type", "n": _type_name(value)}
        encoded = self._numpy(value, d) if "numpy" in sys.modules else None
        if encoded is None and "torch" in sys.modules:
            encoded = self._torch(value, d)
        if encoded is None and t.__module__ == "random" and t.__name__ == "Random":
            version, state, gauss = value.getstate()
            encoded = {"T": "Random", "v": [version, list(state), gauss]}
        if encoded is None and isinstance(value, tuple):
            fields = getattr(t, "_fields", None) or getattr(t, "__match_args__", None)
            if fields and len(fields) == len(value) and all(isinstance(f, str) for f in fields):
                encoded = {"T": "ntuple", "n": t.__name__, "f": list(fields), "v": [self.encode(v, d) for v in value]}
        return encoded if encoded is not None else self.ref(value)

    def _buffer(self, data):
        self.buffers.append(data)
        return len(self.buffers) - 1

    def _dict(self, value, d):
        out = {"T": type(value).__name__, "k": [self.encode(k, d) for k in value], "v": [self.encode(v, d) for v in value.values()]}
        if type(value).__name__ == "defaultdict":
            factory = value.default_factory
            if factory is not None and _factory_name(factory) is None:
                raise WireError("a defaultdict whose default is not a built-in type cannot cross the channel")
            out["f"] = None if factory is None else _factory_name(factory)
        return out

    def _numpy(self, value, d):
        import numpy as np

        if isinstance(value, np.ndarray):
            arr = np.asarray(value)
            if arr.dtype.kind == "O":
                return {"T": "ndobject", "s": list(arr.shape), "v": [self.encode(v, d) for v in arr.ravel().tolist()]}
            if arr.dtype.kind not in _ARRAY_KINDS or arr.dtype.fields is not None:
                raise WireError(f"arrays of dtype {arr.dtype} cannot cross the channel")
            return {"T": "ndarray", "d": arr.dtype.str, "s": list(arr.shape), "b": self._buffer(np.ascontiguousarray(arr).tobytes())}
        if isinstance(value, np.generic):
            if value.dtype.kind not in _ARRAY_KINDS:
                return None
            return {"T": "npscalar", "d": value.dtype.str, "b": self._buffer(value.tobytes())}
        if isinstance(value, np.dtype):
            if value.kind not in _ARRAY_KINDS or value.fields is not None:
                return None
            return {"T": "dtype", "d": value.str}
        if isinstance(value, np.random.Generator):
            bits = value.bit_generator
            if type(bits).__name__ not in _NP_BIT_GENERATORS:
                return None
            return {"T": "npGenerator", "v": self.encode(bits.state, d)}
        if isinstance(value, np.random.RandomState):
            return {"T": "RandomState", "v": self.encode(value.get_state(legacy=False), d)}
        return None

    def _torch(self, value, d):
        import torch

        if isinstance(value, torch.Tensor):
            return self._tensor(value)
        if isinstance(value, torch.Size):
            return {"T": "Size", "v": list(value)}
        if isinstance(value, torch.dtype):
            return {"T": "torch.dtype", "n": str(value).removeprefix("torch.")}
        if isinstance(value, torch.device):
            return {"T": "torch.device", "n": str(value)}
        if isinstance(value, torch.Generator):
            return {"T": "torch.Generator", "dev": str(value.device), "b": self._buffer(value.get_state().numpy().tobytes())}
        if isinstance(value, torch.nn.utils.rnn.PackedSequence):
            return {"T": "PackedSequence", "v": [self.encode(v, d) for v in value]}
        return None

    def _tensor(self, t):
        import torch

        if t.layout != torch.strided or t.is_quantized or t.is_nested:
            raise WireError(f"a {t.layout} tensor cannot cross the channel; send a dense one")
        tag = {"T": "tensor", "d": str(t.dtype).removeprefix("torch."), "s": list(t.shape), "dev": str(t.device),
               "rg": bool(t.requires_grad), "leaf": bool(t.is_leaf), "par": isinstance(t, torch.nn.Parameter)}
        if t.device.type != "meta":
            data = t.detach().to("cpu").contiguous()
            if data.dtype == torch.bfloat16:
                data = data.view(torch.int16)
            tag["b"] = self._buffer(data.numpy().tobytes())
        self.tensors.append(t)
        if self.tensor_tag is not None:
            self.tensor_tag(t, tag)
        return tag


def _type_name(cls):
    return f"{cls.__module__}.{cls.__qualname__}"


_BUILTIN_TYPES = (int, float, complex, bool, str, bytes, list, tuple, dict, set, frozenset, object)
_NUMPY_TYPES = ("bool_", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
                "float16", "float32", "float64", "complex64", "complex128", "ndarray")


def _known_types():
    """{name: class} of the types that travel by name (NumPy's only once NumPy is imported)."""
    known = {_type_name(cls): cls for cls in _BUILTIN_TYPES}
    if "numpy" in sys.modules:
        import numpy as np

        known.update({_type_name(getattr(np, n)): getattr(np, n) for n in _NUMPY_TYPES})
    return known


def _factory_name(factory):
    import collections

    if factory in _BUILTIN_TYPES[:-1] or factory is collections.Counter:
        return factory.__name__
    return None


# --- decoding -------------------------------------------------------------------------------------

class Decoder:
    """Builds values back from a tree and its buffers.

    ``ref(tag)`` turns a reference tag into an object (a proxy, or the receiver's own object when
    the reference is one it sent); ``alias(path)`` returns the receiver's object at ``path``.
    """

    def __init__(self, buffers, ref, alias=None):
        self.buffers = buffers
        self.ref = ref
        self.alias = alias
        self.tensors = []  # (tensor, tag) in the order they were read, for gradients across the boundary
        self.aliased = set()  # ids of the receiver's own objects that the value refers to

    def decode(self, node, depth=0):
        if depth > MAX_DEPTH:
            raise WireError(f"a value nested more than {MAX_DEPTH} levels deep")
        if node is None or isinstance(node, (bool, int, float, str)):
            return node
        d = depth + 1
        if isinstance(node, list):
            return [self.decode(v, d) for v in node]
        if not isinstance(node, dict) or not isinstance(node.get("T"), str):
            raise WireError("malformed value")
        kind = node["T"]
        reader = _READERS.get(kind)
        if reader is None:
            raise WireError(f"unknown kind of value {kind[:40]!r}")
        try:
            return reader(self, node, d)
        except WireError:
            raise
        except (KeyError, TypeError, ValueError, IndexError, OverflowError, RuntimeError) as exc:
            raise WireError(f"malformed {kind[:40]} value: {str(exc)[:120]}") from None

    def items(self, node, d):
        values = node["v"]
        if not isinstance(values, list):
            raise WireError("malformed value")
        return [self.decode(v, d) for v in values]

    def buffer(self, node):
        index = node["b"]
        if not isinstance(index, int) or not 0 <= index < len(self.buffers):
            raise WireError("a value refers to a missing buffer")
        return self.buffers[index]


def _read_dict(dec, node, d):
    import collections

    keys, values = node["k"], node["v"]
    if not isinstance(keys, list) or not isinstance(values, list) or len(keys) != len(values):
        raise WireError("malformed dict")
    kind = node["T"]
    if kind == "defaultdict":
        name = node.get("f")
        if name is None:
            factory = None
        else:
            factory = {cls.__name__: cls for cls in _BUILTIN_TYPES[:-1] + (collections.Counter,)}.get(name)
            if factory is None:
                raise WireError("a defaultdict with an unknown default")
        out = collections.defaultdict(factory)
    else:
        out = {"dict": dict, "Counter": collections.Counter, "OrderedDict": collections.OrderedDict}[kind]()
    keys = [dec.decode(k, d) for k in keys]  # all keys, then all values: the order they were written
    for key, v in zip(keys, values):
        try:
            hash(key)
        except TypeError:
            raise WireError("a dict key that cannot be hashed") from None
        out[key] = dec.decode(v, d)
    return out


def _read_ndarray(dec, node, d):
    import numpy as np

    dtype, shape = _array_dtype(node["d"]), _shape(node["s"])
    data = dec.buffer(node)
    if len(data) != math.prod(shape) * dtype.itemsize:
        raise WireError("an array's bytes do not match its shape")
    return np.frombuffer(data, dtype=dtype).reshape(shape).copy()


def _read_ndobject(dec, node, d):
    import numpy as np

    shape = _shape(node["s"])
    values = dec.items(node, d)
    if len(values) != math.prod(shape):
        raise WireError("an object array's items do not match its shape")
    out = np.empty(len(values), dtype=object)
    out[:] = values if values else []
    return out.reshape(shape)


def _read_npscalar(dec, node, d):
    import numpy as np

    dtype = _array_dtype(node["d"])
    data = dec.buffer(node)
    if len(data) != dtype.itemsize:
        raise WireError("a scalar's bytes do not match its dtype")
    return np.frombuffer(data, dtype=dtype)[0].copy()


def _array_dtype(text):
    import numpy as np

    if not isinstance(text, str) or len(text) > 16:
        raise WireError("malformed dtype")
    dtype = np.dtype(text)
    if dtype.kind not in _ARRAY_KINDS or dtype.fields is not None or dtype.itemsize > 1 << 16:
        raise WireError(f"arrays of dtype {dtype} cannot cross the channel")
    return dtype


def _shape(shape):
    if not isinstance(shape, list) or len(shape) > 32 or not all(type(n) is int and 0 <= n < 2**40 for n in shape):
        raise WireError("malformed shape")
    return tuple(shape)


def _read_np_generator(dec, node, d):
    import numpy as np

    state = dec.decode(node["v"], d)
    name = state.get("bit_generator") if isinstance(state, dict) else None
    if name not in _NP_BIT_GENERATORS:
        raise WireError("an unknown NumPy bit generator")
    bits = getattr(np.random, name)()
    bits.state = state
    return np.random.Generator(bits)


def _read_random_state(dec, node, d):
    import numpy as np

    rs = np.random.RandomState()
    rs.set_state(dec.decode(node["v"], d))
    return rs


def _read_random(dec, node, d):
    import random

    version, state, gauss = node["v"]
    if version != 3 or not isinstance(state, list) or len(state) != 625 or not all(type(x) is int for x in state):
        raise WireError("malformed random.Random state")
    if gauss is not None and type(gauss) is not float:
        raise WireError("malformed random.Random state")
    rng = random.Random()
    rng.setstate((version, tuple(state), gauss))
    return rng


def _read_tensor(dec, node, d):
    import numpy as np
    import torch

    dtype = getattr(torch, node["d"], None) if isinstance(node["d"], str) else None
    if not isinstance(dtype, torch.dtype):
        raise WireError("malformed tensor dtype")
    shape = _shape(node["s"])
    device = _device(node["dev"])
    if device.type == "meta":
        t = torch.empty(shape, dtype=dtype, device="meta")
    else:
        raw = dtype if dtype != torch.bfloat16 else torch.int16
        np_dtype = torch.empty((), dtype=raw).numpy().dtype
        data = dec.buffer(node)
        if len(data) != math.prod(shape) * np_dtype.itemsize:
            raise WireError("a tensor's bytes do not match its shape")
        t = torch.from_numpy(np.frombuffer(data, dtype=np_dtype).reshape(shape).copy())
        if dtype == torch.bfloat16:
            t = t.view(torch.bfloat16)
        if device.type != "cpu":
            t = t.to(device)
    wants_grad = bool(node.get("rg")) and (t.is_floating_point() or t.is_complex())
    if node.get("par"):
        t = torch.nn.Parameter(t, requires_grad=wants_grad)
    elif wants_grad:
        t.requires_grad_(True)
    dec.tensors.append((t, node))
    return t


def _device(name):
    import torch

    if not isinstance(name, str) or len(name) > 32:
        raise WireError("malformed device")
    from lmcourse import standin

    if standin.is_standin(name):  # the tests' stand-in accelerator
        return standin.enable()
    device = torch.device(name)
    if device.type == "cuda" and not torch.cuda.is_available():
        return torch.device("cpu")
    if device.type not in ("cpu", "cuda", "meta"):
        return torch.device("cpu")
    return device


def _read_torch_generator(dec, node, d):
    import numpy as np
    import torch

    g = torch.Generator(device=_device(node["dev"]))
    state = torch.from_numpy(np.frombuffer(dec.buffer(node), dtype=np.uint8).copy())
    if state.numel() != g.get_state().numel():
        raise WireError("malformed torch.Generator state")
    g.set_state(state)
    return g


def _read_packed(dec, node, d):
    import torch

    data, batch_sizes, sorted_idx, unsorted_idx = dec.items(node, d)
    if not all(x is None or isinstance(x, torch.Tensor) for x in (data, batch_sizes, sorted_idx, unsorted_idx)):
        raise WireError("malformed PackedSequence")
    return torch.nn.utils.rnn.PackedSequence(data, batch_sizes, sorted_idx, unsorted_idx)


def _read_ntuple(dec, node, d):
    import collections

    name, fields = node["n"], node["f"]
    if not isinstance(name, str) or not name.isidentifier() or not isinstance(fields, list):
        raise WireError("malformed named tuple")
    values = dec.items(node, d)
    if len(values) != len(fields):
        raise WireError("malformed named tuple")
    try:
        cls = _NAMED_TUPLES.get((name, tuple(fields))) or collections.namedtuple(name, fields, rename=True)
    except (TypeError, ValueError):
        raise WireError("malformed named tuple") from None
    _NAMED_TUPLES[(name, tuple(fields))] = cls
    return cls(*values)


_NAMED_TUPLES = {}


def _read_type(dec, node, d):
    name = node["n"]
    if isinstance(name, str) and name.startswith("numpy."):
        import numpy  # noqa: F401  (NumPy's types are known once it is imported)
    cls = _known_types().get(name)
    if cls is None:
        raise WireError("an unknown type")
    return cls


def _read_float(dec, node, d):
    if node["v"] not in ("nan", "inf", "-inf"):
        raise WireError("malformed float")
    return float(node["v"])


def _read_complex(dec, node, d):
    re_, im = node["v"]
    return complex(float(re_), float(im))


def _read_torch_dtype(dec, node, d):
    import torch

    dtype = getattr(torch, node["n"], None) if isinstance(node["n"], str) else None
    if not isinstance(dtype, torch.dtype):
        raise WireError("malformed torch.dtype")
    return dtype


def _read_slice(dec, node, d):
    return slice(*dec.items(node, d))


def _read_range(dec, node, d):
    start, stop, step = node["v"]
    if not all(type(x) is int for x in (start, stop, step)):
        raise WireError("malformed range")
    return range(start, stop, step)


def _read_size(dec, node, d):
    import torch

    values = node["v"]
    if not isinstance(values, list) or not all(type(x) is int for x in values):
        raise WireError("malformed torch.Size")
    return torch.Size(values)


def _read_alias(dec, node, d):
    if dec.alias is None or not isinstance(node["p"], list):
        raise WireError("an alias where none can be")
    obj = dec.alias(node["p"])
    dec.aliased.add(id(obj))
    return obj


_READERS = {
    "float": _read_float,
    "tuple": lambda dec, node, d: tuple(dec.items(node, d)),
    "set": lambda dec, node, d: set(dec.items(node, d)),
    "frozenset": lambda dec, node, d: frozenset(dec.items(node, d)),
    "bytes": lambda dec, node, d: bytes(dec.buffer(node)),
    "bytearray": lambda dec, node, d: bytearray(dec.buffer(node)),
    "complex": _read_complex,
    "slice": _read_slice,
    "range": _read_range,
    "Ellipsis": lambda dec, node, d: Ellipsis,
    "type": _read_type,
    "ntuple": _read_ntuple,
    "Random": _read_random,
    "ndarray": _read_ndarray,
    "ndobject": _read_ndobject,
    "npscalar": _read_npscalar,
    "dtype": lambda dec, node, d: _array_dtype(node["d"]),
    "npGenerator": _read_np_generator,
    "RandomState": _read_random_state,
    "tensor": _read_tensor,
    "Size": _read_size,
    "torch.dtype": _read_torch_dtype,
    "torch.device": lambda dec, node, d: _device(node["n"]),
    "torch.Generator": _read_torch_generator,
    "PackedSequence": _read_packed,
    "ref": lambda dec, node, d: dec.ref(node),
    "alias": _read_alias,
    **{kind: _read_dict for kind in _DICT_KINDS},
}
