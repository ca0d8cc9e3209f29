"""Run each submission's kernel in a bubblewrap sandbox.

The kernel sees a minimal filesystem: the system and Python installation read-only, the course's
support package read-only, the folder holding the kernel's Unix sockets, and two small private
in-memory folders: /tmp and its working folder, which shows the files the student handed in with
the notebook (read-only; the notebooks themselves, which hold the hidden tests, are not there).
What the kernel writes there is bounded in size and gone when it stops; it can write nothing on the
grader's disk. It has no network (own network namespace), its own PID namespace (so every process it
starts dies with it) and resource limits on memory, CPU time, processes and file size. nbclient
drives it from outside over ``ipc`` transport, since TCP loopback is not shared across network
namespaces.

:class:`SandboxKernelManager` is a jupyter_client kernel manager that wraps the kernel command;
nbgrader's Execute preprocessor uses it through ``Execute.kernel_manager_class``.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager

import lmcourse


@dataclass
class Limits:
    memory_mb: int = 3072  # address space of the kernel
    cpu_seconds: int = 600
    processes: int = 64
    file_mb: int = 64  # largest file the kernel may write
    workdir_mb: int = 256  # all it may write in its working folder (memory, not disk)
    tmp_mb: int = 256  # and in /tmp
    wall_seconds: int = 300  # per submission, enforced by the grader (see autograder.hardened)


LIMITS = Limits()
# sandboxes started by this process (pid -> work dir), so a watchdog can kill a runaway submission
_ACTIVE = {}
_ACTIVE_LOCK = threading.Lock()


def bwrap_path():
    return shutil.which("bwrap")


def available():
    """(True, "") when bubblewrap can create a sandbox here, else (False, reason)."""
    exe = bwrap_path()
    if not exe:
        return False, "bubblewrap is not installed (Debian/Ubuntu: apt-get install bubblewrap)"

    probe = subprocess.run(
        [exe, "--ro-bind", "/", "/", "--unshare-all", "--die-with-parent", "--proc", "/proc", "--dev", "/dev", "true"],
        capture_output=True, text=True,
    )
    if probe.returncode != 0:
        return False, f"bubblewrap cannot create namespaces here: {probe.stderr.strip() or probe.returncode}"
    return True, ""


def _readonly_paths():
    """Folders the kernel needs to read: the OS, the Python installation, the venv, lmcourse."""
    paths = ["/usr", "/etc", "/opt/conda"] + [sys.base_prefix, sys.prefix]
    paths.append(str(Path(lmcourse.__file__).resolve().parent))
    seen, out = set(), []
    for p in paths:
        p = os.path.realpath(p)
        if os.path.exists(p) and p not in seen:
            seen.add(p)
            out.append(p)
    return out


def pids_cgroup(limit):
    """A new cgroup allowing at most ``limit`` processes, or None where none can be made.

    RLIMIT_NPROC does not bind root, so a grader running as root caps a fork bomb this way.
    """
    import uuid

    for base in ("/sys/fs/cgroup/pids", "/sys/fs/cgroup"):
        path = os.path.join(base, f"lmcourse-{uuid.uuid4().hex[:12]}")
        try:
            os.mkdir(path)
        except OSError:
            continue
        try:
            with open(os.path.join(path, "pids.max"), "w") as f:
                f.write(str(limit))
            return path
        except OSError:
            os.rmdir(path)
    return None


def remove_cgroup(path):
    import time

    for _ in range(50):  # the killed processes leave the group a moment after they die
        try:
            os.rmdir(path)
            return
        except FileNotFoundError:
            return
        except OSError:
            time.sleep(0.1)


def wrap_command(cmd, workdir, sockdir, limits=LIMITS, cgroup=None):
    """The bwrap + prlimit command line that runs ``cmd`` (a kernel) sandboxed in ``workdir``.

    The kernel's ``workdir`` is a bounded tmpfs showing the files of the host's ``workdir``
    read-only, except the notebooks (nbclient sends the kernel each cell's source; the file on disk
    holds the hidden tests). With ``cgroup``, the sandbox joins that pids cgroup.
    """
    args = [bwrap_path(), "--die-with-parent", "--new-session", "--unshare-all", "--cap-drop", "ALL"]
    # /tmp first: bwrap mounts in order, so a venv or checkout under /tmp stays visible over it
    args += ["--proc", "/proc", "--dev", "/dev", "--size", str(limits.tmp_mb * 2**20), "--tmpfs", "/tmp"]
    for p in _readonly_paths():
        args += ["--ro-bind", p, p]
    for link, target in (("/bin", "usr/bin"), ("/sbin", "usr/sbin"), ("/lib", "usr/lib"), ("/lib64", "usr/lib64")):
        if os.path.islink(link):
            args += ["--symlink", target, link]
        elif os.path.isdir(link):
            args += ["--ro-bind", link, link]
    args += ["--bind", str(sockdir), str(sockdir)]
    args += ["--size", str(limits.workdir_mb * 2**20), "--tmpfs", str(workdir)]
    for entry in sorted(Path(workdir).iterdir()):
        if entry.suffix != ".ipynb":
            args += ["--ro-bind", str(entry), str(entry)]
    args += ["--chdir", str(workdir)]
    args += ["--unsetenv", "JPY_PARENT_PID", "--setenv", "HOME", "/tmp", "--setenv", "MPLCONFIGDIR", "/tmp"]
    prlimit = [
        shutil.which("prlimit") or "/usr/bin/prlimit",
        f"--as={limits.memory_mb * 2**20}",
        f"--cpu={limits.cpu_seconds}",
        f"--nproc={limits.processes}",
        f"--fsize={limits.file_mb * 2**20}",
        "--core=0",
        "--",
    ]
    wrapped = args + ["--"] + prlimit + list(cmd)
    if cgroup:
        wrapped = ["/bin/sh", "-c", 'echo $$ > "$0/cgroup.procs" && exec "$@"', cgroup] + wrapped
    return wrapped


class SandboxKernelManager(AsyncKernelManager):
    """A kernel manager that starts the kernel inside :func:`wrap_command`'s sandbox."""

    async def _async_pre_start_kernel(self, **kw):
        self._sockdir = tempfile.mkdtemp(prefix="lmcourse-kernel-")
        self.transport = "ipc"
        self.connection_file = os.path.join(self._sockdir, "kernel.json")
        self.ip = os.path.join(self._sockdir, "ipc")
        return await super()._async_pre_start_kernel(**kw)

    def format_kernel_cmd(self, extra_arguments=None):
        cmd = super().format_kernel_cmd(extra_arguments)
        self._workdir = os.path.realpath(self._launch_args.get("cwd") or os.getcwd())
        self._cgroup = pids_cgroup(LIMITS.processes) if os.geteuid() == 0 else None
        return wrap_command(cmd, self._workdir, self._sockdir, cgroup=self._cgroup)

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        # the kernel's own chatter ("To connect another client...") is not the TA's business
        kw.setdefault("stdout", subprocess.DEVNULL)
        kw.setdefault("stderr", subprocess.DEVNULL)
        await super()._async_launch_kernel(kernel_cmd, **kw)
        pid = getattr(getattr(self.provisioner, "process", None), "pid", None)
        if pid:
            with _ACTIVE_LOCK:
                _ACTIVE[pid] = self._workdir
            self._sandbox_pid = pid

    async def _async_cleanup_resources(self, restart=False):
        await super()._async_cleanup_resources(restart=restart)
        pid = getattr(self, "_sandbox_pid", None)
        with _ACTIVE_LOCK:
            _ACTIVE.pop(pid, None)
        if not restart and getattr(self, "_sockdir", None):
            shutil.rmtree(self._sockdir, ignore_errors=True)
        if not restart and getattr(self, "_cgroup", None):
            remove_cgroup(self._cgroup)


def kill_active(workdir=None):
    """Kill the sandboxes this process started (those running in ``workdir``, or all); returns how many."""
    import signal

    workdir = os.path.realpath(workdir) if workdir else None
    with _ACTIVE_LOCK:
        pids = [pid for pid, wd in _ACTIVE.items() if workdir is None or wd == workdir]
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return len(pids)
