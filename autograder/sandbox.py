"""Run each submission's kernel in a bubblewrap sandbox.

The kernel sees a minimal filesystem: the system and Python installation read-only, a minimal
``/etc`` written by the grader (no host accounts, no shadow file), the course's support package
and the kernel's end of the test channel (:mod:`autograder.channel`) read-only, and small private
in-memory folders: ``/tmp``, ``/dev/shm``, its working folder (which shows the regular files the
student handed in with the notebook, read-only; never the notebooks, never links) and the folder
of its Jupyter sockets. What the kernel writes is bounded in size and gone when it stops; it can
write nothing on the grader's disk. It has no network (own network namespace), its own PID
namespace (every process it starts dies with it), an environment made from scratch
(:mod:`autograder.kernels`) and limits: per process (address space, CPU time, file size) and,
where the grader may create cgroups, for the whole sandbox (memory, tmpfs included, and number of
processes).

The grader reaches the kernel's sockets through ``/proc/<pid>/root``, after checking each is a
socket and not a link, and does not reconnect if one goes away; the tests' channel is a socket
pair handed to the kernel at start.
"""
import atexit
import json
import os
import select
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import lmcourse
from autograder import channel, forkserver, reference
from autograder.channel.kernel import ENV_VAR as CHANNEL_FD
from autograder.kernels import (KERNEL_ARGUMENTS, STARTUP_FILE, CappedKernelClient, GradingKernelManager, SandboxKernelClient,
                                kernel_environment)
from traitlets import Enum, List, Type, Unicode


@dataclass
class Limits:
    memory_mb: int = 3072  # address space of each process, and memory of the whole sandbox (cgroup)
    cpu_seconds: int = 600
    processes: int = 64
    file_mb: int = 64  # largest file the kernel may write
    workdir_mb: int = 256  # all it may write in its working folder (memory, not disk)
    tmp_mb: int = 256  # and in /tmp
    shm_mb: int = 64  # and in /dev/shm
    sockets_kb: int = 256  # its socket folder (sockets take no room: anything else is refused)
    wall_seconds: int = 300  # per submission, enforced by the grader (see autograder.hardened)


LIMITS = Limits()
# sandboxes started by this process: pid -> (work dir, cgroup), so a watchdog can kill a runaway one
_ACTIVE = {}
_ACTIVE_LOCK = threading.Lock()
_ETC = []  # the minimal /etc of this process, made once
_REFUSING_INIT = []  # the __init__.py of hidden packages, made once


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
    paths = ["/usr", "/opt/conda"] + [sys.base_prefix, sys.prefix]
    paths.append(str(Path(lmcourse.__file__).resolve().parent))
    paths.append(str(Path(channel.__file__).resolve().parent))
    paths.append(str(Path(channel.__file__).resolve().parent.parent / "__init__.py"))
    paths.append(str(Path(channel.__file__).resolve().parent.parent / "zygote.py"))  # the fork server (no answer in it)
    seen, out = set(), []
    for p in paths:
        p = os.path.realpath(p)
        if os.path.exists(p) and p not in seen:
            seen.add(p)
            out.append(p)
    return out


def _reference_view(units):
    """bwrap arguments that empty ``lmcourse/reference`` and bind back the modules of ``units`` only."""
    folder = os.path.realpath(reference.FOLDER)
    args = ["--tmpfs", folder]
    for name in ["__init__"] + sorted(units):
        path = os.path.join(folder, f"{name}.py")
        if os.path.isfile(path):
            args += ["--ro-bind", path, path]
    return args + ["--remount-ro", folder]


# Installed packages that implement what an exercise grades (nltk: n-gram models with smoothing and
# corpus BLEU; sacrebleu: corpus BLEU). The grader's own side (the test cells) and the staff's tests
# may use them as references; a kernel sees a package that refuses to import in their place, so an answer that calls
# one fails instead of scoring.
ANSWERING_PACKAGES = ("nltk", "sacrebleu")
# Frameworks that answer the units that do not use them (torch's autograd computes every gradient
# the NumPy units ask for), each with the packages installed only for it: a kernel sees them only
# when the kernel-side cells of its assignment's source notebook import the framework.
FRAMEWORKS = {"torch": ("torch", "functorch", "torchgen", "sympy", "mpmath")}


def hidden_packages(kernel_packages=()):
    """The installed packages a kernel whose notebook imports ``kernel_packages`` must not see."""
    hidden = list(ANSWERING_PACKAGES)
    for framework, packages in FRAMEWORKS.items():
        if framework not in kernel_packages:
            hidden += packages
    return hidden


def _empty_packages_view(names):
    """bwrap arguments that show each installed package of ``names`` as a folder holding only an
    ``__init__.py`` that refuses the import (an empty folder would import as a namespace package,
    and code that finds the name in ``sys.modules`` would then fail far from the import)."""
    import importlib.util

    args = []
    for name in names:
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.submodule_search_locations:
            for folder in spec.submodule_search_locations:
                folder = os.path.realpath(folder)
                args += ["--tmpfs", folder, "--ro-bind", str(_refusing_init()), os.path.join(folder, "__init__.py"),
                         "--remount-ro", folder]
    return args


def _refusing_init():
    """A package ``__init__.py`` whose import fails with ModuleNotFoundError, made once per process."""
    if not _REFUSING_INIT:
        path = Path(tempfile.mkdtemp(prefix="lmcourse-absent-")) / "__init__.py"
        path.write_text('raise ModuleNotFoundError(f"No module named {__name__!r} in the grading kernel of this assignment", '
                        'name=__name__)\n')
        atexit.register(shutil.rmtree, path.parent, ignore_errors=True)
        _REFUSING_INIT.append(path)
    return _REFUSING_INIT[0]


def minimal_etc():
    """A folder to show as the kernel's /etc: the loader's cache, and accounts of its own."""
    if not _ETC:
        etc = Path(tempfile.mkdtemp(prefix="lmcourse-etc-"))
        (etc / "passwd").write_text("root:x:0:0:root:/tmp:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n")
        (etc / "group").write_text("root:x:0:\nnogroup:x:65534:\n")
        (etc / "hosts").write_text("127.0.0.1 localhost\n")
        (etc / "nsswitch.conf").write_text("passwd: files\ngroup: files\nhosts: files\n")
        for name in ("ld.so.cache", "ld.so.conf", "localtime", "mime.types"):
            if os.path.isfile(f"/etc/{name}"):
                shutil.copyfile(f"/etc/{name}", etc / name)
        for folder in ("ld.so.conf.d", "fonts"):  # the loader's and fontconfig's configuration
            if os.path.isdir(f"/etc/{folder}"):
                shutil.copytree(f"/etc/{folder}", etc / folder, symlinks=True)
        atexit.register(shutil.rmtree, etc, ignore_errors=True)
        _ETC.append(etc)
    return _ETC[0]


CGROUP_PREFIX = "lmcourse-"


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True


class Cgroup:
    """Memory and process limits for a whole sandbox (cgroup v2, or v1's memory and pids hierarchies).

    ``Cgroup.create`` returns None where the grader may not create cgroups (not root, no delegated
    subtree): the sandbox then has per-process limits only.
    """

    def __init__(self, paths):
        self.paths = paths

    @classmethod
    def create(cls, limits):
        # the grader's pid in the name: a group whose grader is gone (killed before it could remove
        # it) is removed by the next grader that makes one
        name = f"{CGROUP_PREFIX}{os.getpid()}-{uuid.uuid4().hex[:12]}"
        memory = str(limits.memory_mb * 2**20)
        if os.path.isfile("/sys/fs/cgroup/cgroup.controllers"):  # v2
            plan = [("/sys/fs/cgroup", {"memory.max": memory, "memory.swap.max": "0", "pids.max": str(limits.processes)})]
        else:
            plan = [("/sys/fs/cgroup/memory", {"memory.limit_in_bytes": memory, "memory.memsw.limit_in_bytes": memory}),
                    ("/sys/fs/cgroup/pids", {"pids.max": str(limits.processes)})]
        cls.remove_orphans([base for base, _ in plan])
        made = []
        for base, settings in plan:
            path = os.path.join(base, name)
            try:
                os.mkdir(path)
            except OSError:
                break
            made.append(path)
            for key, value in settings.items():
                try:
                    with open(os.path.join(path, key), "w") as f:
                        f.write(value)
                except OSError:
                    if key in ("memory.max", "memory.limit_in_bytes", "pids.max"):
                        break
        else:
            return cls(made)
        cls(made).remove()
        return None

    @classmethod
    def remove_orphans(cls, bases):
        """Remove the groups under ``bases`` made by graders that no longer run; returns how many."""
        orphans = {}
        for base in bases:
            try:
                names = os.listdir(base)
            except OSError:
                continue
            for name in names:
                owner = name[len(CGROUP_PREFIX):].split("-", 1)[0] if name.startswith(CGROUP_PREFIX) else ""
                if owner.isdigit() and not _alive(int(owner)):
                    orphans.setdefault(name, []).append(os.path.join(base, name))
        for paths in orphans.values():
            cls(paths).remove()
        return len(orphans)

    def wrap(self, cmd):
        """``cmd`` started inside this cgroup."""
        join = " && ".join(f'echo $$ > "${i + 1}/cgroup.procs"' for i in range(len(self.paths)))
        return ["/bin/sh", "-c", f'{join} && shift {len(self.paths)} && exec "$@"', "sh", *self.paths, *cmd]

    def add(self, pid):
        """Move the process ``pid`` (and the threads of it) into this cgroup."""
        for path in self.paths:
            with open(os.path.join(path, "cgroup.procs"), "w") as f:
                f.write(str(pid))

    def kill(self):
        for path in self.paths:
            try:
                pids = [int(p) for p in Path(path, "cgroup.procs").read_text().split()]
            except OSError:
                continue
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass

    def remove(self):
        self.kill()
        for path in self.paths:
            for attempt in range(500):  # the killed processes leave the group a moment after they die
                try:
                    os.rmdir(path)
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.01)
                    if attempt % 10 == 9:
                        self.kill()


_FONTS = []  # (matplotlib's font list of this process, made once) or an empty list


def matplotlib_font_list():
    """Matplotlib's font list (``fontlist-v*.json``), built once per grading process in a folder of
    its own, or None without matplotlib. Shown read-only in each kernel's MPLCONFIGDIR (/tmp), it
    spares every kernel that plots the list's rebuild (about 0.3 s)."""
    if not _FONTS:
        folder = Path(tempfile.mkdtemp(prefix="lmcourse-mpl-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        try:
            subprocess.run([sys.executable, "-c", "import matplotlib.font_manager"], capture_output=True, timeout=120,
                           env={"PATH": os.environ.get("PATH", ""), "MPLCONFIGDIR": str(folder), "HOME": str(folder)})
        except (OSError, subprocess.SubprocessError):
            pass  # no list: each kernel builds its own, as without this
        _FONTS.append(next(iter(sorted(folder.glob("fontlist-v*.json"))), None))
    return _FONTS[0]


def submitted_files(workdir):
    """The files of ``workdir`` a kernel may see: regular files only (no link, no special file), not notebooks."""
    out = []
    for entry in sorted(Path(workdir).iterdir()):
        mode = os.lstat(entry).st_mode
        if stat.S_ISREG(mode) and entry.suffix != ".ipynb":
            out.append(entry)
    return out


def view_arguments(limits=LIMITS, reference_units=(), kernel_packages=(), fork_server=False):
    """The bwrap arguments of what every kernel of an assignment sees: the system and the Python
    installation read-only, a minimal /etc, private /proc, /dev, /tmp and /dev/shm, and of the
    course's reference code (``lmcourse.reference``) only the modules of ``reference_units``, none
    of the :func:`hidden_packages` of a kernel whose notebook imports ``kernel_packages``.

    For a ``fork_server`` (:mod:`autograder.forkserver`): not tied to the starting thread (it
    ends with its socket), and with two capabilities in its own user namespace: CAP_SYS_ADMIN,
    which it drops once it has removed bubblewrap's covers of /proc, and CAP_SETFCAP, which its
    children need to map their user. They drop every capability.
    """
    args = ["--new-session", "--unshare-all", "--cap-drop", "ALL"]
    args += ["--cap-add", "CAP_SYS_ADMIN", "--cap-add", "CAP_SETFCAP"] if fork_server else ["--die-with-parent"]
    # /tmp first: bwrap mounts in order, so a venv or checkout under /tmp stays visible over it
    args += ["--proc", "/proc", "--dev", "/dev", "--size", str(limits.tmp_mb * 2**20), "--tmpfs", "/tmp"]
    args += ["--size", str(limits.shm_mb * 2**20), "--tmpfs", "/dev/shm"]
    for p in _readonly_paths():
        args += ["--ro-bind", p, p]
    args += _reference_view(reference_units) + _empty_packages_view(hidden_packages(kernel_packages))
    args += ["--ro-bind", str(minimal_etc()), "/etc"]
    for link, target in (("/bin", "usr/bin"), ("/sbin", "usr/sbin"), ("/lib", "usr/lib"), ("/lib64", "usr/lib64")):
        if os.path.islink(link):
            args += ["--symlink", target, link]
        elif os.path.isdir(link):
            args += ["--ro-bind", link, link]
    fonts = matplotlib_font_list()
    if fonts is not None:
        args += ["--ro-bind", str(fonts), f"/tmp/{fonts.name}"]
    # jupyter_client adds the grader's pid, which means nothing in the sandbox's PID namespace
    return args + ["--unsetenv", "JPY_PARENT_PID"]


def process_limits(limits=LIMITS):
    """The prlimit command that runs what follows it under the per-process limits."""
    return [
        shutil.which("prlimit") or "/usr/bin/prlimit",
        f"--as={limits.memory_mb * 2**20}",
        f"--cpu={limits.cpu_seconds}",
        f"--nproc={limits.processes}",
        f"--fsize={limits.file_mb * 2**20}",
        "--core=0",
        "--",
    ]


def wrap_command(cmd, workdir, sockdir, startup, limits=LIMITS, info_fd=None, reference_units=(), kernel_packages=()):
    """The bwrap + prlimit command line that runs ``cmd`` (a kernel) sandboxed in ``workdir``.

    The kernel sees :func:`view_arguments`' view and its own folders: ``sockdir`` holds the
    connection file on the grader's disk; in the sandbox it is a small tmpfs with that one file,
    where the kernel makes its sockets. ``startup`` is the IPython startup file the kernel runs
    (see :mod:`autograder.kernels`).
    """
    args = [bwrap_path()] + (["--info-fd", str(info_fd)] if info_fd is not None else [])
    args += view_arguments(limits, reference_units, kernel_packages)
    args += ["--size", str(limits.sockets_kb * 1024), "--tmpfs", str(sockdir)]
    args += ["--ro-bind", str(Path(sockdir) / "kernel.json"), str(Path(sockdir) / "kernel.json")]
    args += ["--ro-bind", str(startup), f"/tmp/.ipython/profile_default/startup/{STARTUP_FILE}"]
    args += ["--size", str(limits.workdir_mb * 2**20), "--tmpfs", str(workdir)]
    for entry in submitted_files(workdir):
        args += ["--ro-bind", str(entry), str(entry)]
    return args + ["--chdir", str(workdir), "--"] + process_limits(limits) + list(cmd)


class SandboxKernelManager(GradingKernelManager):
    """A kernel manager that starts each kernel in a sandbox: forked from the grading process's fork
    server for the assignment's view (:mod:`autograder.forkserver`), or as a new process inside
    :func:`wrap_command`'s sandbox (``kernel_start = "exec"``, and where no fork server starts)."""

    client_factory = Type(SandboxKernelClient, klass=CappedKernelClient)
    startup_seconds = 60
    reference_units = List(Unicode(), help="Units whose reference modules the kernel may import (set per assignment "
                                           "by autograder.execute from its source notebook)")
    kernel_packages = List(Unicode(), help="Packages the kernel-side cells of the assignment's source notebook import "
                                           "(set by autograder.execute): the frameworks among them are shown")
    kernel_start = Enum(["fork", "exec"], "fork", config=True,
                        help="fork: each kernel forked from a fork server that has made the view's imports once; "
                             "exec: each kernel a new process")

    def _home(self):
        scratch = tempfile.mkdtemp(prefix="lmcourse-home-")
        return Path("/tmp"), Path("/tmp/.ipython"), scratch

    async def _async_pre_start_kernel(self, **kw):
        self._sockdir = tempfile.mkdtemp(prefix="lmcourse-k-")
        self._server = self._fork_server() if self.kernel_start == "fork" else None
        self.transport = "ipc"
        self.connection_file = os.path.join(self._sockdir, "kernel.json")
        self.ip = os.path.join(forkserver.SOCKETS if self._server else self._sockdir, "ipc")
        return await super()._async_pre_start_kernel(**kw)

    def _fork_server(self):
        env = kernel_environment(Path("/tmp"), Path("/tmp/.ipython"), self.grading_variables)
        view = view_arguments(LIMITS, self.reference_units, self.kernel_packages, fork_server=True)
        try:
            return forkserver.server_for(bwrap_path(), view, env, [p for p in self.kernel_packages if p in FRAMEWORKS])
        except (OSError, forkserver.ForkServerError) as exc:
            self.log.warning("no fork server (%s): this kernel starts as a new process", exc)
            return None

    def format_kernel_cmd(self, extra_arguments=None):
        cmd = super().format_kernel_cmd(extra_arguments)
        self._workdir = os.path.realpath(self._launch_args.get("cwd") or os.getcwd())
        self._cgroup = Cgroup.create(LIMITS) if os.geteuid() == 0 else None
        if self._server:
            return cmd  # not run: the fork server makes the kernel
        self._info_read, self._info_write = os.pipe()
        wrapped = wrap_command(cmd, self._workdir, self._sockdir, self._startup, info_fd=self._info_write,
                               reference_units=self.reference_units, kernel_packages=self.kernel_packages)
        return self._cgroup.wrap(wrapped) if self._cgroup else wrapped

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        if self._server:
            return self._fork_kernel()
        # the kernel's own chatter ("To connect another client...") is not the TA's business
        kw.setdefault("stdout", subprocess.DEVNULL)
        kw.setdefault("stderr", subprocess.DEVNULL)
        kw["pass_fds"] = (self._info_write,)
        try:
            await super()._async_launch_kernel(kernel_cmd, **kw)
        finally:
            os.close(self._info_write)
        pid = getattr(getattr(self.provisioner, "process", None), "pid", None)
        if pid:
            self._register(pid)
        inner = self._read_child_pid()
        self.ip = f"/proc/{inner}/root{self._sockdir}/ipc"
        self._wait_for_sockets()

    def _fork_kernel(self):
        """Have the fork server fork the kernel, put it in its cgroup, then let it go."""
        request = forkserver.request(self._kernel_env, KERNEL_ARGUMENTS, Path(self.connection_file).read_text(), STARTUP_FILE,
                                     self._startup.read_text(), submitted_files(self._workdir), LIMITS, CHANNEL_FD)
        go_read, go_write = os.pipe()
        try:
            self._forked = self._server.fork(request, go_read, self._theirs.fileno())
        finally:
            os.close(go_read)
            self._theirs.close()  # the kernel has its copy
        try:
            self._register(self._forked.pid)
            if self._cgroup:
                self._cgroup.add(self._forked.pid)
            os.write(go_write, b"g")
        finally:
            os.close(go_write)
        self.provisioner.process, self.provisioner.pid, self.provisioner.pgid = self._forked, self._forked.pid, None
        self._reconcile_connection_info(self.provisioner.connection_info)
        self.ip = f"/proc/{self._forked.pid}/root{forkserver.SOCKETS}/ipc"
        self._wait_for_sockets()

    def _register(self, pid):
        with _ACTIVE_LOCK:
            _ACTIVE[pid] = (self._workdir, self._cgroup)
        self._sandbox_pid = pid

    def _read_child_pid(self):
        """The sandbox's first process, as the grader's PID namespace numbers it (bwrap's --info-fd)."""
        deadline, data = time.monotonic() + self.startup_seconds, b""
        try:
            while time.monotonic() < deadline:
                if select.select([self._info_read], [], [], 0.5)[0]:
                    chunk = os.read(self._info_read, 4096)
                    data += chunk
                    try:
                        return int(json.loads(data)["child-pid"])
                    except ValueError:
                        if not chunk:
                            break
        finally:
            os.close(self._info_read)
        raise RuntimeError("the sandbox did not start (bubblewrap reported no process)")

    def _wait_for_sockets(self):
        """Wait until the kernel has made its five sockets; refuse anything that is not a socket."""
        paths = [f"{self.ip}-{port}" for port in (self.shell_port, self.iopub_port, self.stdin_port, self.control_port, self.hb_port)]
        deadline = time.monotonic() + self.startup_seconds
        while time.monotonic() < deadline:
            modes = []
            for path in paths:
                try:
                    modes.append(os.lstat(path).st_mode)
                except OSError:
                    break
            if len(modes) == len(paths):
                if not all(stat.S_ISSOCK(m) for m in modes):
                    raise RuntimeError("the kernel's socket folder holds something other than sockets")
                return
            if self.provisioner is not None and self.provisioner.process is not None and self.provisioner.process.poll() is not None:
                return  # the kernel died at start: nbclient reports it
            time.sleep(0.01)

    async def _async_cleanup_resources(self, restart=False):
        await super()._async_cleanup_resources(restart=restart)
        pid = getattr(self, "_sandbox_pid", None)
        with _ACTIVE_LOCK:
            _ACTIVE.pop(pid, None)
        if not restart:
            if getattr(self, "_forked", None):
                self._forked.close()
            if getattr(self, "_cgroup", None):
                self._cgroup.remove()
            if getattr(self, "_sockdir", None):
                shutil.rmtree(self._sockdir, ignore_errors=True)



def kill_active(workdir=None):
    """Kill the sandboxes this process started (those running in ``workdir``, or all); returns how many."""
    workdir = os.path.realpath(workdir) if workdir else None
    with _ACTIVE_LOCK:
        found = [(pid, cg) for pid, (wd, cg) in _ACTIVE.items() if workdir is None or wd == workdir]
    for pid, cgroup in found:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        if cgroup is not None:
            cgroup.kill()
    return len(found)
