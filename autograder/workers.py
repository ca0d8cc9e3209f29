"""A local pool of grading processes that loses no student when one of them dies or hangs.

``concurrent.futures.ProcessPoolExecutor`` fails every queued task once one worker dies
(``BrokenProcessPool``), so one submission that kills its grading process would fail the class
queued behind it. Here each task writes a *claim* (its worker's pid and start time) while it
runs, so that after a break the pool knows which tasks were running:

- a task that was running is graded again, alone in a fresh pool: the executor stops every
  worker when one dies, so a running task may only have been caught in another's death. A task
  that breaks a pool on its own is the cause, and fails;
- a task that had not started goes back in the queue;
- a task running past the deadline has its worker killed by this (parent) process, and fails.

Nothing a task does can hold the class run or cost another task its result.
"""
import json
import multiprocessing
import os
import shutil
import signal
import tempfile
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

DIED = "grader error: the grading process died while grading this submission (twice, the second time alone)"
NO_START = "grader error: the grading processes could not start"


def overdue(seconds):
    return f"timeout: grading did not finish within {seconds:.0f} s (its grading process was stopped)"


def _claimed(fn, claim, task):
    """Run ``fn(task)`` in a worker, with a claim file saying which process runs it since when."""
    Path(claim).write_text(json.dumps({"pid": os.getpid(), "started": time.time()}))
    try:
        return fn(task)
    finally:
        try:
            os.unlink(claim)
        except OSError:
            pass


class LocalPool:
    """``workers`` spawned processes; a task running longer than ``deadline`` seconds is stopped."""

    def __init__(self, workers, deadline, tick=1.0, rounds_without_progress=3):
        self.workers, self.deadline, self.tick = workers, deadline, tick
        self.rounds_without_progress = rounds_without_progress

    def run(self, fn, tasks, on_done=lambda: None):
        """Run ``fn(task)`` for each task (``fn`` importable, tasks picklable); returns
        {index in tasks: reason} for the tasks that did not finish. ``on_done()`` after each task."""
        claims = Path(tempfile.mkdtemp(prefix="lmcourse-claims-"))
        failed, raised, queue, stalls = {}, {}, list(range(len(tasks))), 0
        try:
            while queue:
                unfinished, killed, errors = self._round(fn, tasks, queue, self.workers, claims, on_done)
                raised.update(errors)
                running = [i for i in unfinished if (claims / str(i)).exists() and i not in killed]
                waiting = [i for i in unfinished if i not in running and i not in killed]
                failed.update({i: overdue(self.deadline) for i in killed})
                for i in running:  # each alone: only a task that breaks a pool by itself is to blame
                    (claims / str(i)).unlink(missing_ok=True)
                    again, killed_alone, errors = self._round(fn, tasks, [i], 1, claims, on_done)
                    raised.update(errors)
                    if again:
                        failed[i] = overdue(self.deadline) if killed_alone else DIED
                stalls = stalls + 1 if len(waiting) == len(queue) else 0
                if stalls >= self.rounds_without_progress:
                    failed.update({i: NO_START for i in waiting})
                    waiting = []
                queue = waiting
            for i in failed:  # the tasks that raised were counted as they finished
                on_done()
            return {**failed, **raised}
        finally:
            shutil.rmtree(claims, ignore_errors=True)

    def _round(self, fn, tasks, indices, workers, claims, on_done):
        """Run ``indices`` on a fresh pool until done or broken; returns (unfinished, killed for the
        deadline, {index: reason} for the tasks whose ``fn`` raised)."""
        context = multiprocessing.get_context("spawn")
        pool = ProcessPoolExecutor(max_workers=min(workers, len(indices)), mp_context=context)
        futures = {pool.submit(_claimed, fn, str(claims / str(i)), tasks[i]): i for i in indices}
        pending, finished, killed, errors = set(futures), set(), set(), {}
        try:
            while pending:
                done, pending = wait(pending, timeout=self.tick, return_when=FIRST_COMPLETED)
                for fut in done:
                    exc = fut.exception()
                    if isinstance(exc, BrokenProcessPool):
                        continue
                    if exc is not None:
                        errors[futures[fut]] = f"grader error: {type(exc).__name__}: {exc}"[:300]
                    finished.add(futures[fut])
                    on_done()
                killed |= self._stop_overdue([futures[f] for f in pending], claims)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        return [i for i in indices if i not in finished], killed, errors

    def _stop_overdue(self, indices, claims):
        """Kill the workers of the tasks running past the deadline; returns those tasks."""
        stopped = set()
        for i in indices:
            try:
                claim = json.loads((claims / str(i)).read_text())
                pid, started = int(claim["pid"]), float(claim["started"])
            except (OSError, ValueError, KeyError, TypeError):
                continue  # not started, or its claim is being written
            if time.time() - started > self.deadline and _is_child(pid):
                os.kill(pid, signal.SIGKILL)
                stopped.add(i)
        return stopped


def _is_child(pid):
    """Whether ``pid`` is a child of this process (a pid read from a claim may have been reused)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return int(stat.rsplit(")", 1)[1].split()[1]) == os.getpid()
