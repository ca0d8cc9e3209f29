"""A stand-in accelerator, so that device promises can be tested on a machine without a GPU.

A graded docstring that says "on the device of ids" cannot be checked on a CPU-only machine: every
tensor is on the CPU there, so ``torch.tensor(tokens)`` (a tensor made on the CPU whatever the
input's device) passes. :func:`enable` names PyTorch's spare backend slot (PrivateUse1) ``standin``;
a tensor moved there (``x.to(DEVICE)``, ``model.to(DEVICE)``, ``torch.zeros(n, device=DEVICE)``)
is a CPU tensor of class :class:`StandInTensor` that reports ``standin:0`` as its device.

What the stand-in does as a GPU does:

- the results of an operation on stand-in tensors are on the stand-in;
- ``.cpu()``, ``.to("cpu")`` and ``device="cpu"`` give plain CPU tensors;
- ``.numpy()`` is refused, and so is a CPU ``torch.Generator`` used to sample on the stand-in;
- ``pack_padded_sequence``'s batch sizes and ``pad_packed_sequence``'s lengths stay on the CPU;
- ``torch.tensor(x)`` and ``torch.as_tensor(x)`` of a stand-in tensor stay there unless told
  ``device="cpu"`` (these two bypass tensor subclasses, so :func:`enable` wraps them).

What it does not do: it does not refuse an operation that mixes the stand-in with CPU tensors (a
GPU refuses most of them, with exceptions such as CPU indices and lengths, and listing them here
would risk failing correct code); the result is then on the stand-in. A module moves there by
swapping its tensors in place (``torch.utils.swap_tensors``), which a live autograd graph that
holds them prevents; moved back with ``.to("cpu")`` it keeps reporting the stand-in.
"""
import copy
import functools

import torch

TYPE = "standin"
DEVICE = None  # torch.device("standin", 0), set by enable(): the name parses only once it is registered

# function -> the positions of its results that a GPU leaves on the CPU (a packed sequence's batch sizes)
_KEEP_ON_CPU = {torch._VF._pack_padded_sequence: (1,), torch._VF._pad_packed_sequence: (1,)}
_FACTORIES = None


class StandInTensor(torch.Tensor):
    """A CPU tensor that says it is on the stand-in device."""

    @property
    def device(self):
        return DEVICE

    @property
    def is_cpu(self):
        return False

    # Marks the class as a tensor subclass that nn.Module._apply swaps in place, so that
    # model.to(DEVICE) keeps the same Parameter objects (an optimiser made before still works).
    def __tensor_flatten__(self):
        return [], None

    @staticmethod
    def __tensor_unflatten__(inner, ctx, outer_size, outer_stride):
        raise NotImplementedError("stand-in tensors are not traced")

    def __deepcopy__(self, memo):
        if id(self) not in memo:
            with torch.no_grad():
                new = self.as_subclass(torch.Tensor).clone().as_subclass(StandInTensor)
            new.requires_grad_(self.requires_grad)
            new.__dict__.update(copy.deepcopy(self.__dict__, memo))
            memo[id(self)] = new
        return memo[id(self)]

    def __repr__(self, **kwargs):
        return f"{self.as_subclass(torch.Tensor).__repr__(**kwargs)[:-1]}, device='{DEVICE}')"

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        _refuse_cpu_generator(args, kwargs)
        if func is torch.Tensor.numpy:
            raise TypeError(f"can't convert {DEVICE} device type tensor to numpy. "
                            "Use Tensor.cpu() to copy the tensor to host memory first.")
        out = super().__torch_function__(func, types, args, kwargs)
        if func is torch.Tensor.cpu or _asks_for_cpu(func, args, kwargs):
            return _plain(out)
        keep = _KEEP_ON_CPU.get(func)
        if keep:
            out = tuple(_plain(o) if i in keep else o for i, o in enumerate(out))
        return out


def enable():
    """Register the stand-in device in this process (once; later calls do nothing) and return it."""
    global DEVICE
    if DEVICE is None:
        from torch.utils.backend_registration import _setup_privateuseone_for_python_backend

        _setup_privateuseone_for_python_backend(TYPE, backend_module=_Module(), hook=_Hooks())
        _register_factories()
        torch.tensor, torch.as_tensor = _keeps_device(torch.tensor), _keeps_device(torch.as_tensor)
        DEVICE = torch.device(TYPE, 0)
    return DEVICE


class _Hooks(torch._C._acc.PrivateUse1Hooks):
    """What PyTorch asks of a backend. "Not available", so that code choosing a device
    (``torch.accelerator.is_available()``) never picks the stand-in by itself."""

    def is_available(self):
        return False

    def has_primary_context(self, dev_id):
        return True

    def is_built(self):
        return True


class _Module:
    """``torch.standin``: one device, nothing to initialise or seed."""

    def is_available(self):
        return False

    def is_initialized(self):
        return True

    def current_device(self):
        return 0

    def device_count(self):
        return 1

    def manual_seed_all(self, seed):
        pass

    def _is_in_bad_fork(self):
        return False


def is_standin(name):
    """Whether a device name (``"standin"``, ``"standin:0"``) is the stand-in's."""
    return isinstance(name, str) and name.split(":")[0] == TYPE


def _register_factories():
    """Memory "on" the stand-in. Only an operation that makes a tensor there from nothing (``empty``,
    ``zeros``, ``randperm``... with ``device=standin``) reaches the backend: it runs on the CPU and its
    result is a stand-in tensor. (Stand-in tensors themselves are CPU tensors to PyTorch's dispatcher.)"""
    global _FACTORIES
    _FACTORIES = torch.library.Library("_", "IMPL")

    def made_on_the_cpu(op, *args, **kwargs):
        args, kwargs = _cpu_device(args), _cpu_device(kwargs)
        out = op(*args, **kwargs)
        return tuple(map(_on_standin, out)) if isinstance(out, tuple) else _on_standin(out)

    _FACTORIES.fallback(made_on_the_cpu, "PrivateUse1")


def _cpu_device(values):
    cpu = torch.device("cpu")
    if isinstance(values, dict):
        return {k: cpu if isinstance(v, torch.device) and v.type == TYPE else v for k, v in values.items()}
    return tuple(cpu if isinstance(v, torch.device) and v.type == TYPE else v for v in values)


def _keeps_device(make):
    """``make`` (torch.tensor or torch.as_tensor), with a stand-in tensor's result on the stand-in."""
    @functools.wraps(make)
    def made_where_the_data_is(data, *args, **kwargs):
        out = make(data, *args, **kwargs)
        if not isinstance(data, StandInTensor):
            return out
        if _is_cpu(kwargs.get("device")):
            return _plain(out)
        return out if isinstance(out, StandInTensor) else _on_standin(out)
    return made_where_the_data_is


def _on_standin(t):
    """``t`` as a stand-in tensor: a leaf stays a leaf, a result keeps its gradient history."""
    if t.grad_fn is not None:
        return t.as_subclass(StandInTensor)
    return torch.Tensor._make_subclass(StandInTensor, t, t.requires_grad)


def _plain(value):
    return value.as_subclass(torch.Tensor) if isinstance(value, StandInTensor) else value


def _asks_for_cpu(func, args, kwargs):
    """``x.to("cpu")``, ``x.to(cpu_tensor)``, ``torch.zeros_like(x, device="cpu")`` and the like."""
    target = kwargs.get("device")
    if target is None and func is torch.Tensor.to:
        target = next((a for a in args[1:] if isinstance(a, (str, torch.device, torch.Tensor))), None)
    return _is_cpu(target)


def _is_cpu(target):
    if isinstance(target, torch.Tensor):
        target = target.device
    return target is not None and torch.device(target).type == "cpu"


def _refuse_cpu_generator(args, kwargs):
    """A GPU refuses to sample with a generator of another device; so does the stand-in."""
    for value in (*args, *kwargs.values()):
        if isinstance(value, torch.Generator) and value.device.type != TYPE:
            raise RuntimeError(f"Expected a '{TYPE}' device type for generator but found '{value.device.type}'")
