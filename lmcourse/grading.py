"""Whether a notebook runs under the autograder, how much work it may do there, and a batched call.

The autograder sets ``LMCOURSE_AUTOGRADING=1`` in the kernel's environment. Notebooks use
:func:`autograding` to cut long training and evaluation down to a size that grades in seconds;
graded tests never depend on the cut-down part. Hidden tests use :func:`call_each` to call a
function of the notebook many times (it is a plain loop anywhere but in the grader), and
:func:`table_lm` to hand a sampler a model that lives where the sampler runs.
"""
import os

ENV_VAR = "LMCOURSE_AUTOGRADING"


def autograding():
    """True when the notebook is being run by the course autograder."""
    return os.environ.get(ENV_VAR, "").strip().lower() not in ("", "0", "false", "no")


def budget(full, autograde):
    """Return ``autograde`` when autograding and ``full`` otherwise (sizes, step counts, limits)."""
    return autograde if autograding() else full


def call_each(fn, prefixes, *args, **kwargs):
    """``[fn(*p, *args, **kwargs) for p in prefixes]``: calls in order, stopping at the first error.

    The hidden tests use it where they call a function many times with the same trailing
    arguments (a probability for every word of the vocabulary). The grader runs the tests in a
    process of its own and reaches the notebook's functions across a channel; there this is one
    round trip instead of one per call, with the shared arguments sent once.

    Args:
        fn: the function to call.
        prefixes: iterable of tuples, the leading arguments of each call.
        *args, **kwargs: the arguments every call ends with.

    Returns:
        list of the results, one per prefix.
    """
    prefixes = [tuple(p) for p in prefixes]
    many = getattr(type(fn), "_call_each", None)  # the grader's reference to a function of the notebook
    if many is not None:
        return many(fn, prefixes, *args, **kwargs)
    return [fn(*p, *args, **kwargs) for p in prefixes]


def table_lm(table):
    """A hand-built language model for testing a sampler: after id a the next id's logits are table[a].

    ``model(x, state)`` returns ``(table[x], state)`` (logits of shape x.shape + (K,), the state
    passed through), so what comes before the last id does not matter. ``model.calls`` records
    (gradients enabled, training mode) at every call. The grader makes it in the notebook's
    process (``KERNEL.grading.table_lm``), so that a sampler drawing thousands of ids calls it
    there instead of across the channel, one round trip per id.

    Args:
        table: K x K logits (nested lists or a tensor).

    Returns:
        a torch.nn.Module in training mode, its table a parameter.
    """
    import torch

    class TableLM(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.table = torch.nn.Parameter(torch.as_tensor(table, dtype=torch.float32).detach().clone())
            self.calls = []

        def forward(self, x, state=None):
            self.calls.append((torch.is_grad_enabled(), self.training))
            return self.table[x], state

    return TableLM()
