"""The fork server of a grading worker: run inside the sandbox, it forks a fresh kernel per submission.

``python -m autograder.zygote FD`` is started by :mod:`autograder.forkserver` inside the same
bubblewrap view that a kernel of the assignment gets (:func:`autograder.sandbox.wrap_command`),
with the kernel's environment. It imports what every kernel of the view imports (IPython's
kernel, NumPy, Matplotlib, the course's package and the frameworks the view shows), then serves
requests on the socket ``FD``; it never runs a line of a student's code itself. For each request
it forks a child that

1. waits until the grader has put it in the submission's cgroup (the ``go`` pipe);
2. leaves every namespace it shared with the server and with other kernels: user, mount, PID,
   network, IPC, UTS and cgroup;
3. mounts fresh, size-limited in-memory folders over ``/tmp``, ``/dev/shm``, the socket folder
   and the working folder, writes the submitted files read-only into the last, and makes every
   other mount read-only, so that nothing a kernel writes reaches another;
4. forks the first process of the new PID namespace, which mounts the namespace's own ``/proc``
   and forks the kernel (every process the kernel starts dies with the namespace when it ends).
   The kernel sets the per-process limits, closes every file but the tests' channel, drops all
   capabilities, takes the kernel's environment, draws fresh random seeds and runs IPython's
   kernel on the connection file.

The first child stays outside as the namespace's parent: it forwards an interrupt and turns a
terminate into a kill of the namespace. The server answers each request with a pidfd of that child, the
grader's handle on the kernel (see :class:`autograder.forkserver.ForkedKernel`).
"""
import base64
import ctypes
import gc
import json
import os
import resource
import signal
import socket
import struct
import sys
import traceback

CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC = 0x20000, 0x2000000, 0x4000000, 0x8000000
CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = 0x10000000, 0x20000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT, MS_BIND = 1, 2, 4, 8, 32, 4096
MS_NOATIME, MS_NODIRATIME, MS_REC, MS_PRIVATE, MS_RELATIME = 1024, 2048, 16384, 1 << 18, 1 << 21
# statvfs flags that a bind remount must keep (they may be locked) and that share their MS_ value
KEPT_FLAGS = MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | MS_NODIRATIME | MS_RELATIME
PR_SET_PDEATHSIG, PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS, PR_CAP_AMBIENT = 1, 24, 38, 47
PR_CAP_AMBIENT_CLEAR_ALL = 4
MNT_DETACH, CAP_SETFCAP = 2, 31
PROC_COVERS = ("sys", "sysrq-trigger", "irq", "bus")
LINUX_CAPABILITY_VERSION_3 = 0x20080522
HEADER = struct.Struct("!Q")
PRELOAD = ("ipykernel.kernelapp", "IPython", "numpy", "matplotlib.pyplot", "tqdm", "lmcourse")
# what a framework imports later, on first use, beside itself: a kernel's first torch optimiser
# imports torch._dynamo (2 s, sympy included), which every torch unit's notebook makes
LAZY_IMPORTS = {"torch": ("torch._dynamo",)}

_libc = ctypes.CDLL(None, use_errno=True)


def _check(result, what):
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def _mount(source, target, fstype, flags, data=None):
    _check(_libc.mount(source.encode() if source else None, target.encode(), fstype.encode() if fstype else None,
                       ctypes.c_ulong(flags), data.encode() if data else None), f"mount {target}")


# -- the wire: a length, a JSON object, and file descriptors with the first bytes ------------------

def send(sock, obj, fds=()):
    data = json.dumps(obj).encode()
    data = HEADER.pack(len(data)) + data
    socket.send_fds(sock, [data[:HEADER.size]], list(fds))
    sock.sendall(data[HEADER.size:])


def receive(sock, max_fds=4):
    """(object, fds), or (None, []) at the end of the stream."""
    head, fds, _, _ = socket.recv_fds(sock, HEADER.size, max_fds)
    while head and len(head) < HEADER.size:
        more = sock.recv(HEADER.size - len(head))
        if not more:
            break
        head += more
    if len(head) < HEADER.size:
        for fd in fds:
            os.close(fd)
        return None, []
    (size,), body = HEADER.unpack(head), bytearray()
    while len(body) < size:
        chunk = sock.recv(min(size - len(body), 1 << 20))
        if not chunk:
            raise EOFError("the stream ended inside a message")
        body += chunk
    return json.loads(body), fds


# -- the child: namespaces, folders, limits --------------------------------------------------------

def _own_namespaces():
    uid, gid = os.getuid(), os.getgid()
    _check(_libc.unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS
                         | CLONE_NEWCGROUP), "unshare")
    for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"), ("gid_map", f"{gid} {gid} 1")):
        with open(f"/proc/self/{name}", "w") as f:
            f.write(text)
    _mount(None, "/", None, MS_REC | MS_PRIVATE)


def _fresh_folders(request):
    """In-memory folders of the kernel's own; returns their paths."""
    limits, workdir, sockdir = request["limits"], request["workdir"], request["sockdir"]
    files = {name: base64.b64decode(data) for name, data in request["files"].items()}
    sizes = {"/tmp": limits["tmp_mb"] << 20, "/dev/shm": limits["shm_mb"] << 20, sockdir: limits["sockets_kb"] << 10,
             workdir: (limits["workdir_mb"] << 20) + sum(map(len, files.values()))}
    for path, size in sizes.items():
        os.makedirs(path, exist_ok=True)
        _mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, f"size={size},mode=700")
    startup = os.path.join("/tmp/.ipython/profile_default/startup", request["startup_name"])
    os.makedirs(os.path.dirname(startup))
    _write(startup, request["startup"].encode())
    _write(os.path.join(sockdir, "kernel.json"), request["connection"].encode())
    for name, data in files.items():
        path = os.path.join(workdir, os.path.basename(name))
        _write(path, data)
        _mount(path, path, None, MS_BIND)
        _mount(None, path, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)
    return set(sizes)


def _write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def _mount_points():
    with open("/proc/self/mountinfo") as f:
        for line in f:
            point = line.split()[4]
            yield point.encode().decode("unicode_escape")  # the kernel writes a space as \040


def _everything_else_read_only(fresh):
    """Every mount that is not one of ``fresh`` becomes read-only: what a kernel could write there
    (``/dev``, the server's own folders) would be seen by the next kernel."""
    for point in _mount_points():
        if point in fresh or point == "/proc" or point.startswith("/proc/"):
            continue
        try:
            flags = os.statvfs(point).f_flag
        except OSError:
            continue
        if not flags & os.ST_RDONLY:
            _mount(None, point, None, MS_REMOUNT | MS_BIND | MS_RDONLY | (flags & KEPT_FLAGS))


def _limit(limits):
    for which, value in ((resource.RLIMIT_AS, limits["memory_mb"] << 20), (resource.RLIMIT_CPU, limits["cpu_seconds"]),
                         (resource.RLIMIT_NPROC, limits["processes"]), (resource.RLIMIT_FSIZE, limits["file_mb"] << 20),
                         (resource.RLIMIT_CORE, 0)):
        resource.setrlimit(which, (value, value))


def _set_capabilities(keep=0):
    """Keep only the capabilities of the mask ``keep`` (of the first 32), effective and permitted."""
    header = (ctypes.c_uint32 * 2)(LINUX_CAPABILITY_VERSION_3, 0)
    data = (ctypes.c_uint32 * 6)(keep, keep, 0)  # effective, permitted, inheritable; then the upper 32 bits
    _check(_libc.capset(header, data), "capset")


def _drop_capabilities():
    _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")
    _libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    for cap in range(64):
        if _libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            break  # past the last capability this kernel knows
    _set_capabilities(0)


def _mount_proc():
    """The PID namespace's own /proc, with bubblewrap's read-only covers of its parts that reach
    the machine (sysctls, the SysRq trigger, interrupts, buses)."""
    _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    for part in PROC_COVERS:
        path = f"/proc/{part}"
        if os.path.exists(path):
            _mount(path, path, None, MS_BIND | MS_REC)
            _mount(None, path, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC)


def _uncover_proc():
    """The server's /proc without bubblewrap's covers (the server's children mount a /proc of their
    own, which the kernel allows only where a whole one is in view; they cover it again)."""
    points = [p for p in _mount_points() if p.startswith("/proc/")]
    for point in sorted(points, key=len, reverse=True):
        _check(_libc.umount2(point.encode(), MNT_DETACH), f"umount {point}")


def _reseed():
    """Fresh random state, as a new interpreter would draw (a fork copies the server's)."""
    import random

    random.seed()
    if "numpy" in sys.modules:
        sys.modules["numpy"].random.seed()
    if "torch" in sys.modules:
        sys.modules["torch"].seed()


def _run_kernel(request, channel_fd):
    """The kernel: limits, no file but the channel, no capability, its environment, fresh seeds."""
    _limit(request["limits"])
    null = os.open("/dev/null", os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.closerange(3, channel_fd)
    os.closerange(channel_fd + 1, 65536)
    os.set_inheritable(channel_fd, True)
    _drop_capabilities()
    os.environ.clear()
    os.environ.update(request["env"], **{request["channel_variable"]: str(channel_fd)})
    os.chdir(request["workdir"])
    _reseed()
    from ipykernel.kernelapp import launch_new_instance

    sys.argv = ["ipykernel_launcher", "-f", os.path.join(request["sockdir"], "kernel.json"), *request["arguments"]]
    launch_new_instance(argv=sys.argv[1:])


def _init(request, channel_fd):
    """The first process of the kernel's PID namespace: its /proc, then the kernel as its child
    (as in a bubblewrap sandbox, the kernel is not the namespace's init, which signals from inside
    cannot kill), then reaping until the kernel ends, which ends the namespace."""
    _check(_libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "pdeathsig")
    _mount_proc()
    kernel = _fork_into(_run_kernel, request, channel_fd)
    os.close(channel_fd)
    _drop_capabilities()
    signal.signal(signal.SIGINT, lambda *_: os.kill(kernel, signal.SIGINT))
    while True:
        pid, status = os.wait()
        if pid == kernel:
            return os.waitstatus_to_exitcode(status) & 0xFF


def _fork_into(fn, *args):
    """Fork a child that runs ``fn(*args)`` and exits with its code (1 and a traceback if it raises)."""
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            code = fn(*args) or 0
        except BaseException:  # noqa: BLE001 (a child must never return into its parent's code)
            traceback.print_exc()  # to the server's standard error, which the grader keeps
        os._exit(code)
    return pid


def _child(request, go_fd, channel_fd):
    """The forked child (see the module's docstring): the parent of the kernel's namespace."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    if os.read(go_fd, 1) != b"g":
        return 1  # the grader gave up on this kernel
    os.close(go_fd)
    os.setsid()
    _own_namespaces()
    _everything_else_read_only(_fresh_folders(request))
    init = _fork_into(_init, request, channel_fd)
    os.close(channel_fd)
    signal.signal(signal.SIGINT, lambda *_: os.kill(init, signal.SIGINT))
    signal.signal(signal.SIGTERM, lambda *_: os.kill(init, signal.SIGKILL))
    _, status = os.waitpid(init, 0)
    return os.waitstatus_to_exitcode(status) & 0xFF


def _serve_child(sock, request, go_fd, channel_fd):
    sock.close()
    return _child(request, go_fd, channel_fd)


def _preload(names):
    import importlib

    for name in [m for name in names for m in (name, *LAZY_IMPORTS.get(name, ()))]:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 (a package this view hides or lacks: kernels import it themselves)
            pass


def serve(sock):
    """Fork a kernel per request until the grader closes the socket."""
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps the children; pidfds still tell their end
    send(sock, {"ready": True})
    while True:
        request, fds = receive(sock)
        if request is None:
            return
        if len(fds) != 2:
            for fd in fds:
                os.close(fd)
            send(sock, {"error": "a request needs two descriptors: the go pipe and the channel"})
            continue
        go_fd, channel_fd = fds
        pid = _fork_into(_serve_child, sock, request, go_fd, channel_fd)
        os.close(go_fd)
        os.close(channel_fd)
        pidfd = os.pidfd_open(pid)
        try:
            send(sock, {"forked": True}, [pidfd])
        finally:
            os.close(pidfd)


def main(argv):
    sock = socket.socket(fileno=int(argv[1]))
    _uncover_proc()
    _set_capabilities(1 << CAP_SETFCAP)  # what the children need to map their user (see forkserver)
    _preload(PRELOAD + tuple(argv[2:]))
    gc.freeze()  # the imported objects: never collected in a kernel, whose collections then skip them
    serve(sock)


if __name__ == "__main__":
    main(sys.argv)
