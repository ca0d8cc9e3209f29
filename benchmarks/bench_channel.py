"""Cost of one call across the grading channel, with both ends on one CPU and on any CPUs.

    python benchmarks/bench_channel.py [--calls 3000] [--entries 10,1000]

A socket pair, the kernel's end (:class:`autograder.channel.peer.Peer`) in a forked process, and
the tests' end calling, for each case, a function of the "notebook" ``--calls`` times: ``tiny(x)``
(one int) and ``prob(counts, context_counts, vocab, context, word)`` (two Counters of
``--entries`` entries, sent once and then kept). Prints microseconds per call, and a bare socket
ping-pong for the floor, with both processes pinned to one CPU and free to run on any.

Measured on the 2-core CI machine: 60-90 µs per call on one CPU, 170-350 µs on any (a bare
ping-pong: 12 and 48 µs). The grader does not pin: two graders on one machine (or a pool whose
workers outnumber the CPUs) then serialise on the CPU they were pinned to (3.2-4.1 s against
3.0-3.2 s per ngram submission, two graders side by side). It saves round trips instead
(``lmcourse.grading.call_each``).
"""
import argparse
import os
import socket
import sys
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from autograder.channel.peer import KERNEL, TESTS, KernelGlobal, Peer  # noqa: E402


@contextmanager
def pinned(cpu):
    """The calling thread on ``cpu`` for the block (anywhere when ``cpu`` is None)."""
    saved = os.sched_getaffinity(0)
    if cpu is not None:
        os.sched_setaffinity(0, {cpu})
    try:
        yield
    finally:
        os.sched_setaffinity(0, saved)


def tiny(x):
    return x + 1


def prob(counts, context_counts, vocab, context, word):
    return (counts.get((context, word), 0) + 1) / (context_counts.get(context, 0) + len(vocab))


def arguments(entries):
    counts = Counter({(f"w{i}", f"v{i % 7}"): i % 5 + 1 for i in range(entries)})
    contexts = Counter({f"w{i}": i % 9 + 1 for i in range(entries)})
    return counts, contexts, {f"w{i}" for i in range(max(entries // 10, 5))}, "w3", "v3"


def per_call(cases, calls, cpu):
    """{case: µs per call}, the kernel's end in a child process, both ends on ``cpu`` (or anywhere)."""
    ours, theirs = socket.socketpair()
    pid = os.fork()
    if pid == 0:
        ours.close()
        with pinned(cpu):
            peer = Peer(theirs, KERNEL, namespace={"tiny": tiny, "prob": prob})
            for i in range(len(cases)):
                peer.serve(f"s{i}")
        os._exit(0)
    theirs.close()
    peer, out = Peer(ours, TESTS), {}
    with pinned(cpu):
        for i, (label, name, args) in enumerate(cases):
            peer.session = f"s{i}"
            fn = KernelGlobal(peer, name)
            fn(*args)  # the first call sends the kept arguments
            start = time.perf_counter()
            for _ in range(calls):
                fn(*args)
            out[label] = (time.perf_counter() - start) / calls * 1e6
            peer.end()
    os.waitpid(pid, 0)
    return out


def ping(calls, cpu):
    ours, theirs = socket.socketpair()
    pid = os.fork()
    if pid == 0:
        ours.close()
        with pinned(cpu):
            while data := theirs.recv(256):
                theirs.sendall(data)
        os._exit(0)
    theirs.close()
    with pinned(cpu):
        start = time.perf_counter()
        for _ in range(calls):
            ours.sendall(b"x" * 200)
            ours.recv(256)
        seconds = time.perf_counter() - start
    ours.close()
    os.waitpid(pid, 0)
    return seconds / calls * 1e6


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=3000)
    parser.add_argument("--entries", default="10,1000")
    args = parser.parse_args()
    cases = [("tiny(x)", "tiny", (1,))] + [(f"prob, {n} entries", "prob", arguments(n)) for n in map(int, args.entries.split(","))]
    cpus = sorted(os.sched_getaffinity(0))
    print(f"{args.calls} calls per case; {len(cpus)} CPUs; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'case':24s} {'one CPU':>10s} {'any CPUs':>10s}")
    one, anywhere = per_call(cases, args.calls, cpus[0]), per_call(cases, args.calls, None)
    for label, *_ in cases:
        print(f"{label:24s} {one[label]:8.0f} µs {anywhere[label]:8.0f} µs")
    print(f"{'bare socket ping-pong':24s} {ping(args.calls, cpus[0]):8.0f} µs {ping(args.calls, None):8.0f} µs")


if __name__ == "__main__":
    main()
