"""One end of the channel: calls across it, call-backs, references and what each side may ask.

Both ends run the same :class:`Peer`. A request names an operation on an object the other side
owns (call it, read an attribute, iterate it, ...); while waiting for the reply, a peer serves the
other side's requests, so call-backs nest to any depth over one socket.

What crosses is data (see :mod:`autograder.channel.wire`); every other object stays where it was
made and the other side gets a :class:`Proxy` for it. So that a student's function behaves as if
it were called in the test's own process:

- after a call, the arguments that changed in place are copied back into the caller's objects
  (a generator's state too, so it advances as if used in place);
- a result that *is* an argument, or an object inside one, comes back as the caller's own object;
- a call whose tensor arguments require gradients gives results that the caller can backpropagate
  through: the callee keeps the graph and answers ``backward`` requests;
- torch's gradient mode travels with each request (a call-back made under ``torch.no_grad()`` runs
  under it).

The side that serves the tests (``side="tests"``) is trusted: it answers the kernel only about
objects the tests passed to it, only their public attributes, never sets anything, and tells
nothing of its own code (no source, no traceback, no repr).
"""
import builtins
import copy
import itertools
import sys
import threading
import traceback
import types
from contextlib import nullcontext

from autograder.channel.wire import Decoder, Encoder, Reader, WireError, recv_message, send_message

TESTS, KERNEL = "tests", "kernel"
MAX_ERROR_TEXT = 1_000
MAX_TRACEBACK = 4_000
_MUTABLE_KINDS = frozenset(("dict", "Counter", "OrderedDict", "defaultdict", "set", "bytearray", "ndarray", "ndobject",
                            "tensor", "npGenerator", "RandomState", "Random", "torch.Generator"))
# objects whose attributes would show the tests' code or namespace (frames, globals, constants)
_OPAQUE = (types.FunctionType, types.MethodType, types.BuiltinFunctionType, types.GeneratorType, types.CoroutineType,
           types.AsyncGeneratorType, types.FrameType, types.CodeType, types.TracebackType, types.ModuleType,
           types.CellType, staticmethod, classmethod, property)


class RemoteError(Exception):
    """An exception raised on the other side of the channel (its type name, message and, from the
    kernel, the student's traceback)."""

    remote_type = "Exception"
    remote_traceback = ""


_ERROR_CLASSES = {}


def remote_error(name, message, tb=""):
    """A :class:`RemoteError` that is also the built-in exception ``name`` when there is one, so a
    test can catch the student's ``ValueError`` as a ``ValueError``."""
    name = name if isinstance(name, str) and name.isidentifier() and len(name) < 80 else "Exception"
    cls = _ERROR_CLASSES.get(name)
    if cls is None:
        builtin = getattr(builtins, name, None)
        bases = (RemoteError, builtin) if isinstance(builtin, type) and issubclass(builtin, Exception) and builtin is not Exception \
            else (RemoteError,)
        cls = _ERROR_CLASSES[name] = type(name, bases, {"remote_type": name})
    err = cls(message)
    err.remote_traceback = tb
    return err


class Proxy:
    """An object of the other side: calling it, reading its attributes or iterating it asks there."""

    __slots__ = ("_peer", "_tag", "__weakref__")

    def __init__(self, peer, tag):
        object.__setattr__(self, "_peer", peer)
        object.__setattr__(self, "_tag", tag)

    def __call__(self, *args, **kwargs):
        return self._peer.request("call", self, args, kwargs)

    def _call_each(self, prefixes, *args, **kwargs):
        """``[self(*p, *args, **kwargs) for p in prefixes]`` in one request (see lmcourse.grading.call_each):
        the shared arguments are sent once, and results come back as values, never linked to a graph."""
        return self._peer.request("call", self, args, kwargs, each=[tuple(p) for p in prefixes])

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return self._peer.request("getattr", self, (name,))

    def __setattr__(self, name, value):
        self._peer.request("setattr", self, (name, value))

    def __delattr__(self, name):
        self._peer.request("delattr", self, (name,))

    def __getitem__(self, key):
        return self._peer.request("getitem", self, (key,))

    def __setitem__(self, key, value):
        self._peer.request("setitem", self, (key, value))

    def __len__(self):
        return self._peer.request("len", self)

    def __iter__(self):
        return self._peer.request("iter", self)

    def __next__(self):
        return self._peer.request("next", self)

    def __contains__(self, item):
        return self._peer.request("contains", self, (item,))

    def __bool__(self):
        return self._peer.request("bool", self)

    def __repr__(self):
        return self._peer.request("repr", self)

    def __eq__(self, other):
        return self is other

    def __hash__(self):
        return id(self)


class KernelGlobal(Proxy):
    """A name of the student's notebook, looked up in the kernel each time it is used."""

    __slots__ = ()

    def __init__(self, peer, name):
        super().__init__(peer, {"T": "ref", "o": KERNEL, "g": name})

    def __repr__(self):
        return f"<{self._tag['g']} from the notebook>"


class KernelNamespace:
    """``KERNEL.name``: a name of the student's notebook (for tests that need one not defined in an
    answer cell, e.g. ``KERNEL.torch.manual_seed(0)`` to seed the student's process)."""

    def __init__(self, peer):
        self._peer = peer

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return KernelGlobal(self._peer, name)


class Peer:
    """One end of the channel over a connected stream socket.

    ``side`` is TESTS (trusted) or KERNEL; ``namespace`` is where the kernel looks up the names the
    tests ask for; ``poll`` is called while waiting and may raise to abandon the wait.
    """

    def __init__(self, sock, side, namespace=None, poll=None):
        self.sock, self.side, self.namespace, self.poll = sock, side, namespace, poll
        self.reader = Reader(sock)
        self.other = KERNEL if side == TESTS else TESTS
        self.exported = {}  # id -> object passed to the other side by reference
        self.proxies = {}  # the other side's id -> Proxy
        self.graphs = {}  # graph id -> (input leaves, outputs), kept for the other side's backward
        self._seq = itertools.count(1)
        self._graph_ids = itertools.count(1)
        self._tokens = itertools.count(1)
        self._sent = {}  # caller: id -> (argument, copy as sent, token): sent again only when changed
        self._kept = {}  # callee: token -> [argument, copy as received]
        self.session = None  # the test cell being served: its requests and end carry it
        self._lock = threading.RLock()

    # --- references --------------------------------------------------------------------------

    def _ref(self, obj):
        if isinstance(obj, Proxy) and obj._peer is self:
            return obj._tag
        self.exported[id(obj)] = obj
        kind = ("generator" if isinstance(obj, types.GeneratorType) else
                "iterator" if hasattr(type(obj), "__next__") else "object")
        return {"T": "ref", "o": self.side, "i": id(obj), "k": kind, "n": type(obj).__name__[:80]}

    def _resolve(self, tag):
        owner = tag.get("o")
        if owner == self.side:
            if "g" in tag:
                return self._global(tag["g"])
            try:
                return self.exported[tag["i"]]
            except (KeyError, TypeError):
                raise WireError("a reference to an object that is no longer shared (kept from an earlier test?)") from None
        if owner != self.other or "g" in tag or type(tag.get("i")) is not int:
            raise WireError("malformed reference")
        proxy = self.proxies.get(tag["i"])
        if proxy is None:
            proxy = Proxy(self, {"T": "ref", "o": owner, "i": tag["i"], "k": tag.get("k"), "n": str(tag.get("n"))[:80]})
            if tag.get("k") == "generator":
                proxy = _iterate(proxy)  # a real generator, so "returns a generator" holds on this side too
            self.proxies[tag["i"]] = proxy
        return proxy

    def _global(self, name):
        if self.side != KERNEL or not isinstance(name, str):
            raise WireError("only the kernel looks up names")
        try:
            return self.namespace[name]
        except KeyError:
            raise NameError(f"name {name!r} is not defined in the notebook") from None

    def forget(self):
        """Drop every shared object and kept graph (at the end of a test cell)."""
        for table in (self.exported, self.proxies, self.graphs, self._sent, self._kept):
            table.clear()

    def _encode_argument(self, enc, value):
        """An argument, or a token for it when the callee already holds it unchanged (the same
        corpus or model passed to hundreds of calls is sent once)."""
        if self.side != TESTS or not _cacheable(value):
            return enc.encode(value)
        entry = self._sent.get(id(value))
        if entry is not None and entry[0] is value and same_value(value, entry[1]):
            return {"T": "kept", "c": entry[2]}
        token = next(self._tokens)
        node = enc.encode(value)
        self._sent[id(value)] = (value, copy.deepcopy(value), token)
        return {"T": "keep", "c": token, "v": node}

    def _decode_argument(self, dec, node):
        """(argument, token or None): the callee's side of :meth:`_encode_argument`."""
        kind = node.get("T") if isinstance(node, dict) else None
        if kind == "keep" and type(node.get("c")) is int:
            value = dec.decode(node.get("v"))
            self._kept[node["c"]] = [value, copy.deepcopy(value)]
            return value, node["c"]
        if kind == "kept":
            entry = self._kept.get(node.get("c"))
            if entry is None:
                raise WireError("a kept argument that was never sent")
            if not same_value(entry[0], entry[1]):  # changed since, by code that kept hold of it
                entry[0] = copy.deepcopy(entry[1])
            return entry[0], node["c"]
        return dec.decode(node), None

    # --- the caller's side -------------------------------------------------------------------

    def request(self, op, target=None, args=(), kwargs=None, each=None, **extra):
        """Ask the other side to do ``op`` on ``target``; returns its result or raises its error.
        ``each``: a call made once per tuple of leading arguments, the list of results returned."""
        kwargs = kwargs or {}
        with self._lock:
            enc = Encoder(self._ref)
            header = {"m": "req", "n": next(self._seq), "op": op, "s": self.session, **extra}
            if target is not None:
                header["t"] = enc.encode(target)
            header["a"] = [self._encode_argument(enc, a) for a in args]
            if kwargs:
                header["kw"] = [[k, self._encode_argument(enc, v)] for k, v in kwargs.items()]
            if each is not None:
                header["each"] = [enc.encode(p) for p in each]
            grad = _grad_enabled()
            if grad is not None:
                header["g"] = grad
            inputs = [t for t in enc.tensors if t.requires_grad]
            if op == "call" and inputs and each is None:
                header["diff"] = True
            send_message(self.sock, header, enc.buffers)
            reply, buffers = self._wait(header["n"])
            if "err" in reply:
                err = reply["err"] if isinstance(reply["err"], dict) else {}
                raise remote_error(err.get("type"), str(err.get("msg", ""))[:MAX_ERROR_TEXT], str(err.get("tb", ""))[:MAX_TRACEBACK])
            if reply.get("stop"):
                raise StopIteration
            originals = dict(enumerate(args), **kwargs)
            dec = Decoder(buffers, self._resolve, alias=lambda path: _follow(originals, path))
            changes = reply.get("post") or []
            for change in changes if isinstance(changes, list) else ():
                where = change.get("a") if isinstance(change, dict) else None
                if where in originals and type(where) in (int, str):
                    _update_in_place(originals[where], dec.decode(change.get("v")))
            dec.tensors = []
            value = dec.decode(reply.get("ok"))
            outputs = [t for t, tag in dec.tensors if "gi" in tag]
            if reply.get("graph") and inputs and outputs:
                linked = _remote_graph().apply(self, reply["graph"], len(inputs), *inputs, *outputs)
                return _replace(value, dict(zip(map(id, outputs), linked)), dec.aliased)
            return _with_history(value, dec.tensors, dec.aliased)

    def _wait(self, seq):
        while True:
            header, buffers = recv_message(self.reader, poll=self.poll)
            kind = header.get("m")
            if kind == "req" and self.side == KERNEL and header.get("s") != self.session:
                continue  # a request of a test cell that is over
            if kind == "req":
                self._serve(header, buffers)
            elif kind == "rep" and header.get("n") == seq:
                return header, buffers
            elif kind == "rep" and type(header.get("n")) is int and header["n"] < seq:
                continue  # the late answer to a request that was given up on
            elif kind == "end":
                raise WireError("the other side stopped serving while a request was open")
            else:
                raise WireError("an unexpected message on the channel")

    # --- the callee's side -------------------------------------------------------------------

    def serve(self, session):
        """Answer the other side's requests of ``session`` until it ends it (the kernel, for one
        test cell); what an earlier session left on the socket is skipped."""
        self.session = session
        while True:
            header, buffers = recv_message(self.reader, poll=self.poll)
            if header.get("s") != session:
                continue
            if header.get("m") == "end":
                self.forget()
                return
            if header.get("m") != "req":
                raise WireError("an unexpected message on the channel")
            self._serve(header, buffers)

    def end(self):
        """Tell the kernel the test cell (``session``) is over."""
        with self._lock:
            send_message(self.sock, {"m": "end", "s": self.session})
            self.forget()

    def _serve(self, header, buffers):
        enc = Encoder(self._ref)
        try:
            reply = self._answer(header, buffers, enc)
        except WireError as exc:
            reply, enc.buffers = {"err": {"type": "ChannelError", "msg": str(exc)[:MAX_ERROR_TEXT]}}, []
        except BaseException as exc:  # noqa: B902 (the student's code may raise anything, even SystemExit)
            reply, enc.buffers = {"err": self._describe(exc)}, []
        reply.update(m="rep", n=header.get("n"))
        try:
            send_message(self.sock, reply, enc.buffers)
        except WireError as exc:  # the answer is over the channel's size limit
            send_message(self.sock, {"m": "rep", "n": header.get("n"), "err": {"type": "ChannelError", "msg": str(exc)}})

    def _describe(self, exc):
        err = {"type": type(exc).__name__, "msg": _safe_str(exc)[:MAX_ERROR_TEXT]}
        if self.side == KERNEL:  # the student's own traceback helps them; the tests' would show test code
            frames = [f for f in traceback.extract_tb(exc.__traceback__) if "autograder/channel" not in f.filename.replace("\\", "/")]
            err["tb"] = "".join(traceback.format_list(frames[-6:]))[-MAX_TRACEBACK:]
        return err

    def _answer(self, header, buffers, enc):
        op = header.get("op")
        dec = Decoder(buffers, self._resolve)
        target = dec.decode(header["t"]) if "t" in header else None
        arg_nodes, kw_nodes = header.get("a") or [], header.get("kw") or []
        if not isinstance(arg_nodes, list) or not isinstance(kw_nodes, list) or not all(
                isinstance(p, list) and len(p) == 2 and isinstance(p[0], str) for p in kw_nodes):
            raise WireError("malformed request")
        decoded = [self._decode_argument(dec, a) for a in arg_nodes]
        decoded_kw = {k: self._decode_argument(dec, v) for k, v in kw_nodes}
        args = [value for value, _ in decoded]
        kwargs = {k: value for k, (value, _) in decoded_kw.items()}
        prefixes = self._prefixes(op, header, dec)
        tokens = dict(enumerate(t for _, t in decoded), **{k: t for k, (_, t) in decoded_kw.items()})
        if op == "backward":
            return {"ok": enc.encode(self._backward(header.get("graph"), args))}
        if self.side == TESTS:
            _check_allowed(op, target, args)
        inputs = [t for t, tag in dec.tensors if tag.get("rg") and t.requires_grad]
        flag = header.get("g")
        with _grad_mode(flag if self.side == TESTS or flag is False else None):
            if prefixes is None:
                result, stop = _perform(op, target, args, kwargs)
            else:  # in order, stopping at the first error, as a loop of calls would
                result, stop = [target(*p, *args, **kwargs) for p in prefixes], False
        if stop:
            return {"stop": True}
        reply = {}
        if op == "call":
            nodes = dict(enumerate(arg_nodes), **{k: n for k, n in kw_nodes})
            reply["post"] = self._changes(dict(enumerate(args), **kwargs), nodes, tokens, buffers, enc)
            paths = _alias_paths(dict(enumerate(args), **kwargs), result)
            enc.alias = (lambda obj: paths.get(id(obj))) if paths else None
        outputs = []
        if header.get("diff") and self.side == KERNEL and inputs:
            def tag_output(t, tag):
                if t.requires_grad and t.grad_fn is not None:
                    tag["gi"] = len(outputs)
                    outputs.append(t)
            enc.tensor_tag = tag_output
        reply["ok"] = enc.encode(result)
        if outputs:
            graph_id = next(self._graph_ids)
            self.graphs[graph_id] = (inputs, outputs)
            reply["graph"] = graph_id
        return reply

    def _prefixes(self, op, header, dec):
        """The leading arguments of each call of a request for many calls, or None for one call."""
        if "each" not in header:
            return None
        nodes = header["each"]
        if self.side != KERNEL or op != "call" or not isinstance(nodes, list):
            raise WireError("only the tests ask the kernel for many calls")
        prefixes = [dec.decode(node) for node in nodes]
        if not all(type(p) is tuple for p in prefixes):
            raise WireError("malformed request for many calls")
        return prefixes

    def _changes(self, values, nodes, tokens, buffers, enc):
        """The arguments the call changed in place, written out again for the caller."""
        changes = []
        for where, value in values.items():
            token = tokens.get(where)
            if token is not None:
                if not same_value(value, self._kept[token][1]):
                    changes.append({"a": where, "v": enc.encode(value)})
                    self._kept[token][1] = copy.deepcopy(value)
                continue
            if not _maybe_mutable(nodes[where]):
                continue
            mark = len(enc.buffers)
            after = enc.encode(value)
            if _same_encoding(nodes[where], buffers, after, enc.buffers):
                del enc.buffers[mark:]
            else:
                changes.append({"a": where, "v": after})
        return changes

    def _backward(self, graph_id, args):
        """Gradients of the kept graph's inputs, given the gradients of its outputs."""
        import torch

        if self.side != KERNEL or graph_id not in self.graphs or len(args) != 1 or not isinstance(args[0], list):
            raise WireError("a backward request for an unknown graph")
        inputs, outputs = self.graphs[graph_id]
        grads = args[0]
        pairs = [(o, g) for o, g in zip(outputs, grads) if isinstance(g, torch.Tensor)]
        if not pairs:
            return [None] * len(inputs)
        got = torch.autograd.grad([o for o, _ in pairs], inputs, [g for _, g in pairs], allow_unused=True, retain_graph=True)
        return list(got)


def _perform(op, target, args, kwargs):
    """Carry out one operation; returns (result, whether an iterator is exhausted)."""
    if op == "call":
        return target(*args, **kwargs), False
    if op == "next":
        try:
            return next(target), False
        except StopIteration:
            return None, True
    handler = _OPERATIONS.get(op)
    if handler is None:
        raise WireError(f"unknown operation {str(op)[:40]!r}")
    return handler(target, *args), False


def _attr_name(name):
    if not isinstance(name, str):
        raise WireError("an attribute name must be a string")
    return name


_OPERATIONS = {
    "getattr": lambda obj, name: getattr(obj, _attr_name(name)),
    "setattr": lambda obj, name, value: setattr(obj, _attr_name(name), value),
    "delattr": lambda obj, name: delattr(obj, _attr_name(name)),
    "getitem": lambda obj, key: obj[key],
    "setitem": lambda obj, key, value: obj.__setitem__(key, value),
    "len": len,
    "iter": iter,
    "contains": lambda obj, item: item in obj,
    "bool": bool,
    "repr": lambda obj: _safe_str(obj, repr)[:MAX_ERROR_TEXT],
}


def _check_allowed(op, target, args):
    """What the kernel may ask of the tests' side: use the objects the tests gave it, nothing more."""
    if op in ("setattr", "delattr", "setitem"):
        raise PermissionError(f"the tests' objects are read-only ({op} is refused)")
    if op == "repr":
        raise PermissionError("the tests' objects do not describe themselves")
    if op == "getattr":
        name = args[0] if args else None
        if not isinstance(name, str) or name.startswith("_") or isinstance(target, _OPAQUE):
            raise AttributeError(f"{str(name)[:40]!r} cannot be read from the tests' {type(target).__name__}")
    if op == "call" and not callable(target):
        raise TypeError(f"the tests' {type(target).__name__} is not callable")


def _safe_str(obj, fn=str):
    try:
        return fn(obj)
    except Exception:  # a broken __str__ in the student's exception must not break the channel
        return f"<{type(obj).__name__}>"


def _iterate(proxy):
    while True:
        try:
            item = proxy.__next__()
        except StopIteration:
            return
        yield item


def _grad_enabled():
    torch = sys.modules.get("torch")
    return torch.is_grad_enabled() if torch is not None else None


def _grad_mode(flag):
    torch = sys.modules.get("torch")
    if flag is None or torch is None:
        return nullcontext()
    return torch.set_grad_enabled(bool(flag))


# --- results that are arguments, and arguments changed in place -----------------------------------

def _is_container(obj):
    """Objects whose identity matters to a caller: those that can change in place."""
    if isinstance(obj, (list, dict, set, bytearray)):
        return True
    np, torch = sys.modules.get("numpy"), sys.modules.get("torch")
    return (np is not None and isinstance(obj, (np.ndarray, np.random.Generator, np.random.RandomState))) or (
        torch is not None and isinstance(obj, (torch.Tensor, torch.Generator)))


def _alias_paths(values, result):
    """{id(object): path} for the changeable objects of ``result`` that the call's arguments hold."""
    wanted, stack = set(), [result]
    while stack and len(wanted) < 10_000:  # the result's own changeable objects (usually a few)
        obj = stack.pop()
        if _is_container(obj) and id(obj) not in wanted:
            wanted.add(id(obj))
            if isinstance(obj, (list, dict)):
                stack += list(obj.values() if isinstance(obj, dict) else obj)
        elif isinstance(obj, tuple):
            stack += list(obj)
    paths, stack, seen = {}, [([where], value) for where, value in values.items()], set()
    while stack and wanted - paths.keys():
        path, obj = stack.pop()
        if id(obj) in seen or len(path) > 32:
            continue
        seen.add(id(obj))
        if id(obj) in wanted:
            paths.setdefault(id(obj), path)
        if isinstance(obj, (list, tuple)):
            stack += [(path + [i], v) for i, v in enumerate(obj) if _is_container(v) or isinstance(v, tuple)]
        elif isinstance(obj, dict):
            stack += [(path + [{"k": k}], v) for k, v in obj.items() if (_is_container(v) or isinstance(v, tuple)) and _plain_key(k)]
    return paths


def _plain_key(key):
    return key is None or type(key) in (str, int, bool) or (type(key) is tuple and all(_plain_key(k) for k in key))


def _follow(originals, path):
    """The caller's object at ``path`` (an argument position or name, then items and keys)."""
    if not path or type(path[0]) not in (int, str) or path[0] not in originals:
        raise WireError("an alias to no argument")
    obj = originals[path[0]]
    for step in path[1:]:
        key = _plain_key_from(step["k"]) if isinstance(step, dict) and "k" in step else step
        try:
            obj = obj[key]
        except (KeyError, IndexError, TypeError):
            raise WireError("an alias to nothing") from None
    return obj


def _plain_key_from(node):
    if isinstance(node, list):  # JSON has no tuples: a tuple key was written as a list
        return tuple(_plain_key_from(n) for n in node)
    if node is None or type(node) in (str, int, bool):
        return node
    raise WireError("malformed alias")


def _cacheable(value):
    """Arguments worth sending once per cell: containers of data (not generators, not tensors
    whose gradients the call may need)."""
    if type(value) in (list, dict, set) or type(value).__name__ in ("Counter", "OrderedDict", "defaultdict"):
        return True
    np, torch = sys.modules.get("numpy"), sys.modules.get("torch")
    if np is not None and type(value) is np.ndarray:
        return True
    return torch is not None and type(value) is torch.Tensor and not value.requires_grad


_SCALARS = (int, float, str, bool, type(None), complex, bytes)


def same_value(a, b):
    """Whether two values are equal as data (arrays by content, NaN equal to NaN, types checked)."""
    if type(a) is not type(b):
        return False
    np, torch = sys.modules.get("numpy"), sys.modules.get("torch")
    if np is not None and isinstance(a, np.ndarray):
        return a.shape == b.shape and a.dtype == b.dtype and bool(np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"))
    if torch is not None and isinstance(a, torch.Tensor):
        return (a.shape == b.shape and a.dtype == b.dtype and a.device == b.device and a.requires_grad == b.requires_grad
                and (a.device.type == "meta" or bool(torch.equal(a, b) or torch.equal(a.isnan(), b.isnan()) and torch.equal(a.nan_to_num(), b.nan_to_num()))))
    if isinstance(a, (list, tuple)) and len(a) <= 64:  # item by item: a tuple of Counters would use Counter's ==
        return len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and a and type(next(iter(a.values()))) not in _SCALARS:  # values that are containers
        return a.keys() == b.keys() and all(same_value(v, b[k]) for k, v in a.items())
    try:  # dict's own equality: Counter's would take a key counted 0 for a missing one, and is slow
        result = dict.__eq__(a, b) if isinstance(a, dict) else a == b
        if type(result) is bool:
            return result
    except (ValueError, TypeError, RuntimeError):
        pass  # a container holding arrays: compare item by item
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same_value(a[k], b[k]) for k in a)
    return False


def _maybe_mutable(node):
    if isinstance(node, list):
        return True
    if isinstance(node, dict):
        kind = node.get("T")
        if kind in _MUTABLE_KINDS:
            return True
        if kind in ("tuple", "ntuple", "PackedSequence"):
            return any(_maybe_mutable(v) for v in node.get("v", ()))
    return False


def _same_encoding(a, a_buffers, b, b_buffers):
    """Whether two encodings describe the same value (buffers compared by content)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(_same_encoding(x, a_buffers, y, b_buffers) for x, y in zip(a, b))
    if isinstance(a, dict):
        if a.keys() != b.keys():
            return False
        for key in a:
            if key == "b":
                if bytes(a_buffers[a["b"]]) != bytes(b_buffers[b["b"]]):
                    return False
            elif not _same_encoding(a[key], a_buffers, b[key], b_buffers):
                return False
        return True
    return a == b


def _update_in_place(orig, new):
    """Make ``orig`` equal to ``new`` without replacing it (nor, where possible, what it holds);
    False when ``orig`` cannot be changed in place."""
    if isinstance(orig, list) and isinstance(new, list):
        if len(orig) == len(new):
            for i, (o, n) in enumerate(zip(orig, new)):
                if not _update_in_place(o, n):
                    orig[i] = n
        else:
            orig[:] = new
        return True
    if isinstance(orig, dict) and isinstance(new, dict):
        for k in [k for k in orig if k not in new]:
            del orig[k]
        for k, v in new.items():
            if not (k in orig and _update_in_place(orig[k], v)):
                orig[k] = v
        return True
    if isinstance(orig, set) and isinstance(new, set):
        orig.clear()
        orig.update(new)
        return True
    if isinstance(orig, bytearray) and isinstance(new, bytearray):
        orig[:] = new
        return True
    if isinstance(orig, tuple) and isinstance(new, tuple) and len(orig) == len(new):
        for o, n in zip(orig, new):
            _update_in_place(o, n)
        return False
    return _update_array_or_state(orig, new)


def _update_array_or_state(orig, new):
    np, torch = sys.modules.get("numpy"), sys.modules.get("torch")
    if np is not None:
        if isinstance(orig, np.ndarray) and isinstance(new, np.ndarray):
            if orig.shape != new.shape or orig.dtype != new.dtype:
                return False
            orig[...] = new
            return True
        if isinstance(orig, np.random.Generator) and isinstance(new, np.random.Generator):
            orig.bit_generator.state = new.bit_generator.state
            return True
        if isinstance(orig, np.random.RandomState) and isinstance(new, np.random.RandomState):
            orig.set_state(new.get_state())
            return True
    if torch is not None:
        if isinstance(orig, torch.Tensor) and isinstance(new, torch.Tensor):
            if orig.shape != new.shape or orig.dtype != new.dtype:
                return False
            with torch.no_grad():
                orig.copy_(new)
            if orig.is_leaf and orig.requires_grad != new.requires_grad:
                orig.requires_grad_(new.requires_grad)
            return True
        if isinstance(orig, torch.Generator) and isinstance(new, torch.Generator):
            orig.set_state(new.get_state())
            return True
    if type(orig).__name__ == "Random" and type(new) is type(orig):
        orig.setstate(new.getstate())
        return True
    return False


# --- gradients across the channel -----------------------------------------------------------------

def _replace(value, swap, keep):
    """``value`` with the objects whose ids are in ``swap`` replaced (not inside the caller's own
    objects, ids in ``keep``)."""
    if id(value) in swap:
        return swap[id(value)]
    if id(value) in keep:
        return value
    if isinstance(value, list):
        value[:] = [_replace(v, swap, keep) for v in value]
        return value
    if isinstance(value, dict):
        for k in list(value):
            value[k] = _replace(value[k], swap, keep)
        return value
    if isinstance(value, tuple):
        items = [_replace(v, swap, keep) for v in value]
        return type(value)(*items) if hasattr(type(value), "_fields") else type(value)(items)
    return value


def _with_history(value, tensors, keep):
    """Tensors that had a gradient history on the other side get one here (a copy's), so that
    ``grad_fn is None`` and ``requires_grad`` read the same on both sides."""
    swap = {id(t): t.clone() for t, tag in tensors if tag.get("rg") and not tag.get("leaf", True) and t.requires_grad}
    return _replace(value, swap, keep) if swap else value


_REMOTE_GRAPH = []


def _remote_graph():
    """The autograd function standing for a call made on the other side (made once torch is used)."""
    if not _REMOTE_GRAPH:
        import torch

        class RemoteGraph(torch.autograd.Function):
            @staticmethod
            def forward(ctx, peer, graph_id, n_inputs, *tensors):
                ctx.peer, ctx.graph_id, ctx.n_inputs = peer, graph_id, n_inputs
                ctx.n_outputs = len(tensors) - n_inputs
                return tuple(t.detach().clone() for t in tensors[n_inputs:])

            @staticmethod
            def backward(ctx, *grads):
                got = ctx.peer.request("backward", None, ([g if g is not None else None for g in grads],), graph=ctx.graph_id)
                if not isinstance(got, list) or len(got) != ctx.n_inputs:
                    raise WireError("the kernel sent gradients of the wrong shape")
                return (None, None, None) + tuple(got) + (None,) * ctx.n_outputs

        _REMOTE_GRAPH.append(RemoteGraph)
    return _REMOTE_GRAPH[0]
