"""Timing helper shared by the benchmarks."""
import statistics
import time


def timed(fns, repeats, warmup):
    """Median and min seconds of each function; runs are interleaved so that a change in the
    machine's load hits all of them alike."""
    for _ in range(warmup):
        for fn in fns:
            fn()
    times = [[] for _ in fns]
    for _ in range(repeats):
        for fn, out in zip(fns, times):
            start = time.perf_counter()
            fn()
            out.append(time.perf_counter() - start)
    return [(statistics.median(t), min(t)) for t in times]
