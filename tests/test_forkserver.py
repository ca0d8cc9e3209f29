"""Kernels forked from a fork server are as fresh as new processes (autograder.forkserver, autograder.zygote).

A hostile kernel leaves every trace it can (a monkeypatch of a preloaded library, globals, an
environment variable, files wherever it can write, a SysV shared-memory segment, a listening
abstract socket, a thread that keeps writing, a detached process, a seeded random state); the
next kernel of the same fork server, then the next submission graded on the same worker, must
find none of them. The old path (a new process per kernel) is run through the same probe.
"""
import asyncio
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from autograder import cases as cases_mod
from autograder import forkserver, sandbox
from autograder.course import SOLUTIONS, Course
from autograder.hardened import grade_class

MARK = "987651"  # the detached process's argument, to find it on the grader's side
PLACES = ("/tmp", "/dev/shm", "/dev", "/", "/grading", "/grading/work", "/grading/sockets", "/etc", "/usr")
SHM_KEY = 0x1C0FFEE
SOCKET_NAME = "\\0lmcourse-left-behind"

HOSTILE = f'''
import builtins as _b, ctypes as _c, os as _os, random as _r, socket as _so, sys as _sys, threading as _t, time as _time
import numpy as _np, lmcourse as _lm
_np.allclose = lambda *a, **k: True
_lm.LEFT_BEHIND = _b.LEFT_BEHIND = _sys.modules["json" if "json" in _sys.modules else "os"].LEFT_BEHIND = True
_os.environ["LEFT_BEHIND"] = "1"
_r.seed(1234)
_np.random.seed(1234)
for _place in {PLACES!r}:
    try:
        open(_os.path.join(_place, "left_behind"), "w").write("x")
    except OSError:
        pass
_c.CDLL(None).shmget({SHM_KEY}, 4096, 0o1666)
_listener = _so.socket(_so.AF_UNIX)
_listener.bind("{SOCKET_NAME}")
_listener.listen()


def _keep_writing():
    while True:
        try:
            open("/tmp/left_by_thread", "w").write("x")
        except OSError:
            pass
        _time.sleep(0.02)


_t.Thread(target=_keep_writing, name="left-behind", daemon=False).start()
if _os.fork() == 0:
    _os.setsid()
    if _os.fork() == 0:
        _os.execv("/usr/bin/sleep", ["sleep", "{MARK}"])
    _os._exit(0)
'''

PROBE = f'''
import builtins as _b, ctypes as _c, json as _json, os as _os, random as _r, socket as _so, threading as _t
import numpy as _np, lmcourse as _lm
_traces = []
if _np.allclose(0.0, 1.0):
    _traces.append("numpy.allclose is patched")
for _name, _where in (("lmcourse", _lm), ("builtins", _b), ("json", _json), ("os", _os)):
    if hasattr(_where, "LEFT_BEHIND"):
        _traces.append(f"a global in {{_name}}")
if "LEFT_BEHIND" in _os.environ:
    _traces.append("an environment variable")
for _place in {PLACES!r} + ("/tmp/left_by_thread",):
    _path = _place if _place.endswith("thread") else _os.path.join(_place, "left_behind")
    if _os.path.exists(_path):
        _traces.append(f"the file {{_path}}")
if _c.CDLL(None).shmget({SHM_KEY}, 0, 0) != -1:
    _traces.append("a SysV shared-memory segment")
try:
    _so.socket(_so.AF_UNIX).connect("{SOCKET_NAME}")
    _traces.append("a listening abstract socket")
except OSError:
    pass
if any(_th.name == "left-behind" for _th in _t.enumerate()):
    _traces.append("a thread")
for _pid in filter(str.isdigit, _os.listdir("/proc")):
    try:
        if b"{MARK}" in open(f"/proc/{{_pid}}/cmdline", "rb").read():
            _traces.append("a process")
    except OSError:
        pass
if _r.Random(1234).random() == _r.random() or _np.random.RandomState(1234).random_sample() == _np.random.random_sample():
    _traces.append("the random state")
'''

# what a forked kernel reports about itself beside the traces
SELF = '''
_status = dict(l.split(":", 1) for l in open("/proc/self/status") if ":" in l)
_rw = sorted({l.split()[4] for l in open("/proc/self/mountinfo") if "rw" in l.split()[5].split(",")})
print(__import__("json").dumps(dict(traces=_traces, caps=_status["CapEff"].strip(), bounding=_status["CapBnd"].strip(),
                                    pid=_os.getpid(), rw=_rw)))
'''


async def _run_in_kernel(mode, code, workdir):
    km = sandbox.SandboxKernelManager(kernel_start=mode)
    await km.start_kernel(cwd=str(workdir))
    kc = km.client()
    kc.start_channels()
    out = []
    try:
        await kc.wait_for_ready(timeout=60)
        reply = await kc.execute_interactive(code, timeout=60, output_hook=lambda m: out.append(m["content"].get("text", "")))
        assert reply["content"]["status"] == "ok", f"the code failed in the kernel: {reply['content']}"
    finally:
        kc.stop_channels()
        await km.shutdown_kernel(now=True)
    return "".join(out)


def _processes_with(mark):
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if mark.encode() in Path(f"/proc/{pid}/cmdline").read_bytes():
                found.append(pid)
        except OSError:
            pass
    return found


@pytest.fixture
def sandboxed():
    ok, reason = sandbox.available()
    if not ok:
        pytest.skip(f"no sandbox here: {reason}")


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["fork", "exec"])
def test_a_kernel_finds_nothing_of_the_hostile_kernel_before_it(sandboxed, mode, tmp_path):
    servers = set(forkserver._SERVERS.values())
    asyncio.run(_run_in_kernel(mode, HOSTILE, tmp_path))
    report = json.loads(asyncio.run(_run_in_kernel(mode, PROBE + SELF, tmp_path)).strip().splitlines()[-1])
    assert report["traces"] == [], f"the second kernel found what the first left: {report['traces']}"
    assert not _processes_with(MARK), "a process the first kernel detached outlived it"
    assert not (tmp_path / "left_behind").exists(), "a kernel wrote into the grader's folder"
    assert int(report["caps"], 16) == 0, f"the kernel holds capabilities: {report['caps']}"
    assert report["pid"] != 1, "the kernel is its namespace's init, which its own signals cannot kill"
    if mode == "fork":
        assert int(report["bounding"], 16) == 0, "the kernel could regain capabilities"
        fresh = {"/tmp", "/dev/shm", forkserver.WORK, forkserver.SOCKETS}
        writable = [p for p in report["rw"] if p not in fresh and p != "/proc" and not p.startswith("/proc/")]
        assert writable == [], f"mounts a kernel could write that the next one sees: {writable}"
        new = set(forkserver._SERVERS.values()) - servers
        assert len(new) <= 1, "both kernels must come from one fork server"


def _with_code(cell_source, code):
    return code + "\n\n" + cell_source


@pytest.mark.slow
def test_submissions_graded_back_to_back_on_one_worker_see_nothing_of_each_other(sandboxed, tmp_path):
    course = Course(tmp_path / "course")
    course.generate("ngram")
    release = course.path("release", assignment="ngram")
    solution = cases_mod.strip_solution_markers(
        cases_mod._answer_cells(nbformat.read(SOLUTIONS / "ngram" / "ngram.ipynb", as_version=4))["build_vocab"].source)
    probe = PROBE + '\nif _traces:\n    raise RuntimeError("left by an earlier submission: " + ", ".join(_traces))\n'
    # e_control leaves the traces and looks for them in one kernel: the probe must find them
    students = {"a_hostile": HOSTILE, "b_probe": probe, "c_hostile": HOSTILE, "d_probe": probe, "e_control": HOSTILE + probe}
    for student, code in students.items():
        case = cases_mod.Case(student, "", "full", "solution", sections={"build_vocab": _with_code(solution, code)})
        course.submit(student, "ngram", cases_mod.build_submission(case, SOLUTIONS / "ngram", release))
    rows = {r.student: r for r in grade_class(course.root, "ngram", list(students), workers=1, db_url=course.db_url,
                                               wall_seconds=120, progress=False)}
    def earned(row):  # the static scan sends these answers to review: the score it withholds
        return row.withheld if row.status == "review" else row.score

    for student in ("b_probe", "d_probe"):
        row = rows[student]
        assert row.status in ("graded", "review") and earned(row) == row.max_score > 0, \
            f"{student} saw what an earlier submission left: {row.status} {earned(row)}/{row.max_score} {row.reason}"
    assert earned(rows["a_hostile"]) == rows["a_hostile"].max_score, "the hostile answers are still correct ones"
    assert earned(rows["e_control"]) < rows["e_control"].max_score, "the probe found nothing in the kernel that left it all"
    assert not _processes_with(MARK), "a process a submission detached outlived its grading"


def test_a_forked_kernel_handle_polls_waits_and_kills_like_a_process():
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    kernel = forkserver.ForkedKernel(os.pidfd_open(proc.pid))
    try:
        assert kernel.pid == proc.pid, "the handle must name the process as this process sees it"
        assert kernel.poll() is None, "a running kernel polls as running"
        with pytest.raises(subprocess.TimeoutExpired):
            kernel.wait(timeout=0.1)
        kernel.kill()
        assert kernel.wait(timeout=10) == -signal.SIGKILL, "a killed kernel reports the kill"
        kernel.send_signal(signal.SIGTERM)  # a signal to an ended kernel is no error
    finally:
        kernel.close()
        proc.wait()
    assert kernel.pidfd is None


def test_no_fork_server_means_a_kernel_started_as_a_new_process(sandboxed, monkeypatch, tmp_path):
    def refuse(*args, **kwargs):
        raise forkserver.ForkServerError("no nested user namespaces here")

    monkeypatch.setattr(forkserver, "server_for", refuse)
    out = asyncio.run(_run_in_kernel("fork", "print(1 + 1)", tmp_path))
    assert out.strip() == "2", "without a fork server the kernel must still start, as a new process"


def test_the_isolation_chooses_how_kernels_start(tmp_path):
    from autograder.course import load_config

    assert load_config(tmp_path, isolation="sandbox-exec").SandboxKernelManager.kernel_start == "exec"
    default = load_config(tmp_path, isolation="sandbox")
    manager = sandbox.SandboxKernelManager(config=default)
    assert manager.kernel_start == "fork", "forked kernels are the default"
    with pytest.raises(ValueError, match="sandbox-exec"):
        load_config(tmp_path, isolation="sandboxed")
