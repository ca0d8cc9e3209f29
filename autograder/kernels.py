"""Kernels for grading: an explicit environment, the channel's socket, and no student file ahead of the libraries.

:class:`GradingKernelManager` starts the student's kernel

- with an environment made from scratch (:func:`kernel_environment`), not the grader's;
- holding one end of a socket pair, the channel to the tests (:mod:`autograder.channel`); the
  grader keeps the other end as ``channel_socket``;
- with ``PYTHONSAFEPATH`` set (its working folder is not on ``sys.path``) and an IPython startup
  file that finds the modules of the working folder *after* every other finder, so a file the
  student handed in (``numpy.py``, ``lmcourse.py``) never shadows a library or the course's
  packages, while the student's own helper modules still import;
- talking to a client whose sockets refuse messages over ``max_message_bytes``.

:class:`autograder.sandbox.SandboxKernelManager` adds the bubblewrap sandbox.
"""
import os
import shutil
import socket
import sys
import tempfile
import time
from pathlib import Path
from queue import Empty

import zmq
import zmq.asyncio
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from traitlets import Type

from autograder.channel.kernel import ENV_VAR as CHANNEL_FD

# passed through from the grader when set: thread counts and the choice of GPU
INHERITED_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "CUDA_VISIBLE_DEVICES", "TZ")
STARTUP_FILE = "00-lmcourse-path.py"
# Run by IPython when the kernel starts: modules in the working folder (the files the student
# handed in) are found last, after everything on sys.path *and* after the finders of packages
# installed in development mode (setuptools' editable finders, which a sys.path entry would beat).
STARTUP_SOURCE = '''# the grader's: the student's own modules are found after every library
def _lmcourse_find_submission_modules_last():
    import importlib.machinery
    import os
    import sys

    folder = os.getcwd()

    class SubmissionModules:
        """Top-level modules of the working folder, looked for after every other finder."""

        @staticmethod
        def find_spec(name, path=None, target=None):
            return None if path is not None else importlib.machinery.PathFinder.find_spec(name, [folder])

    sys.meta_path.append(SubmissionModules)


_lmcourse_find_submission_modules_last()
del _lmcourse_find_submission_modules_last
'''
MAX_MESSAGE_BYTES = 128 * 2**20
# No history database: grading has no use for it, and its saving thread, which IPython restarts
# when a cell begins, would fail that cell where the student's processes hold the process limit.
KERNEL_ARGUMENTS = ("--HistoryManager.enabled=False",)


def kernel_environment(home, ipython_dir, extra=None):
    """The kernel's whole environment: nothing of the grader's but what is listed here."""
    env = {
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), "/usr/local/bin", "/usr/bin", "/bin"]),
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": str(home),
        "PYTHONSAFEPATH": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "IPYTHONDIR": str(ipython_dir),
    }
    env.update({k: os.environ[k] for k in INHERITED_VARIABLES if k in os.environ})
    env.update(extra or {})
    return env


class CappedKernelClient(AsyncKernelClient):
    """A client whose sockets drop (disconnect from) any single message over ``MAX_MESSAGE_BYTES``,
    and that is ready as soon as the kernel answers."""

    reconnect = True

    async def wait_for_ready(self, timeout=None):
        """Wait until the kernel answers ``kernel_info`` on the shell channel and IOPub is connected.

        jupyter_client's own wait ends by listening to IOPub until it has been quiet for 0.2 s, a
        sixth of a short submission's grading; nbclient ignores IOPub messages that answer no
        request of its own, so what is queued is dropped without waiting for more."""
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        while True:
            self.kernel_info()
            try:
                reply = await self.shell_channel.get_msg(timeout=1)
            except Empty:
                reply = None
            if reply is not None and reply["msg_type"] == "kernel_info_reply" and await self._iopub_connected():
                self._handle_kernel_info_reply(reply)
                break
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")
        while await self.iopub_channel.msg_ready():
            await self.iopub_channel.get_msg(timeout=0)

    async def _iopub_connected(self):
        """Whether IOPub brought the status messages of the kernel_info request (else ask again)."""
        try:
            await self.iopub_channel.get_msg(timeout=0.2)
            return True
        except Empty:
            return False

    def _context_default(self):
        self._created_context = True
        ctx = zmq.asyncio.Context()
        ctx.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE_BYTES)
        ctx.setsockopt(zmq.LINGER, 0)  # closing drops what a kernel that has ended will never read
        if not self.reconnect:
            # the first reconnect after 24 days, which is never while grading: ZMQ's own "never"
            # (-1) makes closing the context wait a second for each kernel
            ctx.setsockopt(zmq.RECONNECT_IVL, 2**31 - 1)
        return ctx


class SandboxKernelClient(CappedKernelClient):
    """For a sandboxed kernel, whose socket files the student's code could replace: no reconnecting."""

    reconnect = False


class GradingKernelManager(AsyncKernelManager):
    """A kernel manager for student kernels (see the module's docstring)."""

    # the client itself, not its dotted name: AsyncKernelManager redeclares client_factory, which
    # hides jupyter_client's default that would import client_class (so a plain client was made)
    client_factory = Type(CappedKernelClient, klass=AsyncKernelClient)
    channel_socket = None
    # set by the grader for the kernel (the notebooks cut long training down when they see it)
    grading_variables = {"LMCOURSE_AUTOGRADING": "1"}

    def _home(self):
        """(HOME and IPYTHONDIR as the kernel sees them, the folder on the grader's disk to remove)."""
        scratch = tempfile.mkdtemp(prefix="lmcourse-home-")
        return Path(scratch), Path(scratch) / ".ipython", scratch

    async def _async_pre_start_kernel(self, **kw):
        self.channel_socket, self._theirs = socket.socketpair()
        home, ipython_dir, self._scratch = self._home()
        self._startup = self._write_startup(Path(self._scratch) / ".ipython")
        self._kernel_env = kernel_environment(home, ipython_dir, {**self.grading_variables, CHANNEL_FD: str(self._theirs.fileno())})
        return await super()._async_pre_start_kernel(**kw)

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        kw["env"] = self._kernel_env
        kw["pass_fds"] = tuple(kw.get("pass_fds", ())) + (self._theirs.fileno(),)
        try:
            await super()._async_launch_kernel(kernel_cmd, **kw)
        finally:
            self._theirs.close()  # the kernel has its copy

    def format_kernel_cmd(self, extra_arguments=None):
        return super().format_kernel_cmd(list(extra_arguments or []) + list(KERNEL_ARGUMENTS))

    @staticmethod
    def _write_startup(ipython_dir):
        startup = ipython_dir / "profile_default" / "startup"
        startup.mkdir(parents=True, exist_ok=True)
        (startup / STARTUP_FILE).write_text(STARTUP_SOURCE)
        return startup / STARTUP_FILE

    async def _async_wait(self, pollinterval=0.1):
        # jupyter_client checks every 0.1 s whether a kernel it stopped has ended; a grading
        # kernel ends within milliseconds
        await super()._async_wait(pollinterval=min(pollinterval, 0.005))

    async def _async_cleanup_resources(self, restart=False):
        await super()._async_cleanup_resources(restart=restart)
        if not restart:
            if self.channel_socket is not None:
                self.channel_socket.close()
            if getattr(self, "_scratch", None):
                shutil.rmtree(self._scratch, ignore_errors=True)
