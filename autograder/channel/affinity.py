"""Both ends of a test cell on one CPU.

A call across the channel is a strict ping-pong: one side waits while the other works. When the
two processes sit on different CPUs each message wakes a sleeping CPU, which on a virtual machine
costs more than the call itself (measured on the 2-core CI machine: 280 µs per call across CPUs,
93 µs on one; ``benchmarks/bench_channel.py``). So for the length of a test cell the grader's
tests thread and the kernel's serving thread run on the same CPU, and each goes back to its own
set of CPUs afterwards. In a pool of grading processes each process has a CPU of its own for
this (see :mod:`autograder.workers`), so that two test cells never share one while another idles. Nothing depends on it but speed: the student's code, which may change its
own thread's CPUs, can only slow its own grading.
"""
import ctypes
import ctypes.util
import os
from contextlib import contextmanager

try:
    _sched_getcpu = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True).sched_getcpu
except (OSError, AttributeError):
    _sched_getcpu = None


_HOME = []  # this process's own CPU, when a pool of grading processes gave each one of its own


def set_home_cpu(cpu):
    """Make ``cpu`` where this process runs its test cells (a pool's workers each get their own)."""
    _HOME[:] = [cpu]


def cell_cpu():
    """The CPU for the next test cell: this process's own, else the one the calling thread is on."""
    if _HOME:
        return _HOME[0]
    cpu = _sched_getcpu() if _sched_getcpu is not None else -1
    return cpu if cpu >= 0 else None


@contextmanager
def pinned(cpu):
    """The calling thread on ``cpu`` alone for the block (unchanged when ``cpu`` is None or not allowed)."""
    try:
        saved = os.sched_getaffinity(0)
        os.sched_setaffinity(0, {cpu}) if isinstance(cpu, int) and cpu in saved and len(saved) > 1 else None
    except (OSError, AttributeError):  # no affinity on this system: run where the scheduler says
        saved = None
    try:
        yield
    finally:
        if saved is not None:
            try:
                os.sched_setaffinity(0, saved)
            except OSError:
                pass
