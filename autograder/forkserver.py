"""Kernels forked from a fork server: the interpreter start and the heavy imports paid once per grading process.

A new sandboxed kernel costs a Python start, IPython's kernel and the imports of the notebook
(NumPy, Matplotlib, the course's package, and 2-3 s for torch) before the first line of the
student's code. A grading process here starts, per assignment view, one *fork server*
(:mod:`autograder.zygote`) inside that view's sandbox, which has made those imports once and
forks a kernel per submission. The fork leaves every namespace it shared (user, mount, PID,
network, IPC, UTS, cgroup), gets fresh in-memory folders of its own, makes everything else
read-only, takes the limits and drops all capabilities before it runs the kernel; the server
never runs a student's code. So what one submission does (a monkeypatch, a global, a thread, a
file anywhere, a changed random state) cannot reach the next: each kernel is a copy of a server
that no student's code has touched, not a process that another student's code ran in.

The grader's handle on a forked kernel is a pidfd (:class:`ForkedKernel`, what jupyter_client's
provisioner takes for a ``Popen``). ``SandboxKernelManager.kernel_start = "exec"`` (course-grade
``--exec-kernels``) starts every kernel as a new process instead, as before.
"""
import atexit
import base64
import dataclasses
import os
import select
import signal
import socket
import subprocess
import sys
import tempfile
import threading

from autograder import zygote

WORK = "/grading/work"  # the kernel's working folder and socket folder, in its own view
SOCKETS = "/grading/sockets"
START_SECONDS = 120
_SERVERS = {}  # view -> ForkServer, one per view in this process
_LOCK = threading.Lock()


class ForkServerError(RuntimeError):
    pass


class ForkedKernel:
    """A forked kernel as jupyter_client's provisioner sees a process (``poll``, ``wait``, signals).

    The kernel is not the grader's child: its exit status is not known, so ``returncode`` is
    ``-SIGKILL`` when the grader killed it and 0 otherwise.
    """

    stdin = stdout = stderr = None

    def __init__(self, pidfd):
        self.pidfd, self.returncode, self._killed = pidfd, None, False
        self.pid = _pid_of(pidfd)

    def poll(self):
        if self.returncode is None and self.pidfd is not None and select.select([self.pidfd], [], [], 0)[0]:
            self.returncode = -signal.SIGKILL if self._killed else 0
        return self.returncode

    def wait(self, timeout=None):
        if self.poll() is None and not select.select([self.pidfd], [], [], timeout)[0]:
            raise subprocess.TimeoutExpired("forked kernel", timeout)
        return self.poll()

    def send_signal(self, signum):
        if self.poll() is None:
            self._killed |= signum == signal.SIGKILL
            try:
                signal.pidfd_send_signal(self.pidfd, signum)
            except ProcessLookupError:
                pass

    def kill(self):
        self.send_signal(signal.SIGKILL)

    def terminate(self):
        self.send_signal(signal.SIGTERM)

    def close(self):
        if self.pidfd is not None:
            self.kill()
            os.close(self.pidfd)
            self.pidfd = None


def _pid_of(pidfd):
    """The process's pid as this process's PID namespace numbers it."""
    with open(f"/proc/self/fdinfo/{pidfd}") as f:
        for line in f:
            if line.startswith("Pid:"):
                return int(line.split()[1])
    raise ForkServerError("the fork server sent no process")


class ForkServer:
    """One :mod:`autograder.zygote` in the sandbox of one view, and the socket to it."""

    def __init__(self, bwrap, view, env, preload=()):
        """The server in the sandbox of bwrap's arguments ``view``, with the environment ``env``,
        having imported ``preload`` beside :data:`autograder.zygote.PRELOAD`."""
        ours, theirs = socket.socketpair()
        self.errors = tempfile.TemporaryFile()
        cmd = [bwrap, *view, "--dir", WORK, "--dir", SOCKETS, "--chdir", "/", "--",
               sys.executable, "-m", "autograder.zygote", str(theirs.fileno()), *preload]
        self.process = subprocess.Popen(cmd, env=env, pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL,
                                        stdout=subprocess.DEVNULL, stderr=self.errors)
        theirs.close()
        self.sock, self.lock = ours, threading.Lock()
        self.sock.settimeout(START_SECONDS)
        try:
            ready, _ = zygote.receive(self.sock)
        except (OSError, ValueError) as exc:
            ready = exc
        if not (isinstance(ready, dict) and ready.get("ready")):
            self.close()
            raise ForkServerError(f"the fork server did not start: {self.error_text() or ready}")

    def alive(self):
        return self.process.poll() is None

    def fork(self, request, go_fd, channel_fd):
        """Send ``request`` (see :mod:`autograder.zygote`) with the two descriptors; a :class:`ForkedKernel`."""
        with self.lock:
            try:
                zygote.send(self.sock, request, [go_fd, channel_fd])
                reply, fds = zygote.receive(self.sock)
            except (OSError, ValueError) as exc:
                raise ForkServerError(f"the fork server did not answer: {exc}; {self.error_text()}") from exc
        if not (reply and reply.get("forked")) or len(fds) != 1:
            for fd in fds:
                os.close(fd)
            raise ForkServerError(f"the fork server refused: {reply}; {self.error_text()}")
        return ForkedKernel(fds[0])

    def error_text(self, limit=2000):
        self.errors.seek(0)
        return self.errors.read()[-limit:].decode(errors="replace").strip()

    def close(self):
        self.sock.close()  # the server ends at the end of its stream, and its sandbox with it
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.errors.close()


def server_for(bwrap, view, env, preload=()):
    """This process's :class:`ForkServer` for these arguments (started on first use, again if it died)."""
    key = (bwrap, tuple(view), tuple(sorted(env.items())), tuple(preload))
    with _LOCK:
        server = _SERVERS.get(key)
        if server is None or not server.alive():
            if server is not None:
                server.close()
            server = _SERVERS[key] = ForkServer(bwrap, view, env, preload)
        return server


@atexit.register
def close_all():
    with _LOCK:
        while _SERVERS:
            _SERVERS.popitem()[1].close()


def request(env, arguments, connection, startup_name, startup, files, limits, channel_variable):
    """What the server needs to fork a kernel: its environment, the kernel's arguments beside its
    connection file, the connection file, startup file, the files the student handed in (paths on
    the grader's disk), the limits (a dataclass) and the variable that names the tests' channel."""
    files = {p.name: base64.b64encode(p.read_bytes()).decode() for p in files}
    return dict(env=env, arguments=list(arguments), connection=connection, startup_name=startup_name, startup=startup,
                workdir=WORK, sockdir=SOCKETS, files=files, limits=dataclasses.asdict(limits),
                channel_variable=channel_variable)
