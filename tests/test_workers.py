"""The local grading pool (autograder/workers.py): a worker that dies, hangs or raises costs only its
own task, and every other task still runs to completion."""
import os
import subprocess
import time
from pathlib import Path

import pytest

from autograder import sandbox, workers
from autograder.workers import LocalPool


def _task(task):
    """A stand-in for grading one submission: ``kind`` says how it behaves; a finished task leaves
    a file named after it."""
    kind, out = task
    time.sleep(0.5)  # long enough to be running when another worker dies
    if kind == "dies":
        os._exit(3)
    if kind == "hangs":
        time.sleep(3600)
    if kind == "raises":
        raise ValueError("a broken grader step")
    Path(out, kind).write_text("done")


def _run(tmp_path, kinds, workers=2, deadline=60):
    tasks = [(kind, str(tmp_path)) for kind in kinds]
    progress = []
    start = time.monotonic()
    failed = LocalPool(workers, deadline=deadline, tick=0.2).run(_task, tasks, on_done=lambda: progress.append(1))
    return {kinds[i]: reason for i, reason in failed.items()}, len(progress), time.monotonic() - start


def test_a_worker_that_dies_fails_only_its_own_task(tmp_path):
    kinds = ["ok1", "dies", "ok2", "ok3", "ok4", "ok5"]
    failed, progress, _ = _run(tmp_path, kinds)
    assert failed == {"dies": workers.DIED}, f"only the task whose worker died may fail, got {failed}"
    finished = sorted(p.name for p in tmp_path.iterdir())
    assert finished == ["ok1", "ok2", "ok3", "ok4", "ok5"], \
        f"every other task (the one running beside it and those queued) must still finish, got {finished}"
    assert progress == len(kinds), "the progress bar must count every task once"


def test_a_worker_that_hangs_is_stopped_at_the_deadline(tmp_path):
    failed, progress, seconds = _run(tmp_path, ["ok1", "hangs", "ok2", "ok3"], deadline=3)
    assert failed == {"hangs": workers.overdue(3)}, f"the hung task must fail for its deadline, got {failed}"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ok1", "ok2", "ok3"], "the other tasks must finish"
    assert seconds < 30, f"the class run must go on after the deadline, it took {seconds:.0f} s"
    assert progress == 4


def test_a_task_that_raises_is_reported_with_its_error(tmp_path):
    failed, _, _ = _run(tmp_path, ["raises", "ok1"], workers=1)
    assert set(failed) == {"raises"} and "ValueError: a broken grader step" in failed["raises"], failed
    assert (tmp_path / "ok1").exists(), "a task after one that raised must still run"


def test_a_pid_that_is_not_a_child_is_never_killed():
    assert not workers._is_child(1), "a claim naming another process (a reused pid) must not be acted on"
    child = subprocess.Popen(["sleep", "5"])
    try:
        assert workers._is_child(child.pid)
    finally:
        child.kill()
        child.wait()


def _dead_pid():
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def test_cgroups_left_by_a_grader_that_is_gone_are_removed(tmp_path):
    mine = sandbox.Cgroup.create(sandbox.LIMITS)
    if mine is None:
        pytest.skip("this machine does not let the grader create cgroups")
    bases = [os.path.dirname(p) for p in mine.paths]
    orphan = [os.path.join(base, f"{sandbox.CGROUP_PREFIX}{_dead_pid()}-0123456789ab") for base in bases]
    for path in orphan:
        os.mkdir(path)
    try:
        assert sandbox.Cgroup.remove_orphans(bases) >= 1  # with any a killed grader left here before
        assert not any(os.path.exists(p) for p in orphan), "a group whose grader is gone must be removed"
        assert all(os.path.exists(p) for p in mine.paths), "a group of a grader that still runs must be kept"
    finally:
        mine.remove()
        for path in orphan:
            if os.path.exists(path):
                os.rmdir(path)
