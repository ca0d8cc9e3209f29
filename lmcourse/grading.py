"""Whether a notebook runs under the autograder, and how much work it may do there.

The autograder sets ``LMCOURSE_AUTOGRADING=1`` in the kernel's environment. Notebooks use
:func:`autograding` to cut long training and evaluation down to a size that grades in seconds;
graded tests never depend on the cut-down part.
"""
import os

ENV_VAR = "LMCOURSE_AUTOGRADING"


def autograding():
    """True when the notebook is being run by the course autograder."""
    return os.environ.get(ENV_VAR, "").strip().lower() not in ("", "0", "false", "no")


def budget(full, autograde):
    """Return ``autograde`` when autograding and ``full`` otherwise (sizes, step counts, limits)."""
    return autograde if autograding() else full
