"""The whole round trip on a real JupyterHub: release, fetch, submit, collect, grade, feedback.

The hub is hub/jupyterhub_config.py as documented (DummyAuthenticator, LocalProcessSpawner,
configurable-http-proxy from hub/node_modules), run as root, everything on loopback ports. Each
student is a system user the test creates, with a private home; the hub starts each student's
server as that user, from a students' venv with the student edition installed. Students act through
their own servers, behind the hub's proxy, with the REST endpoints of nbgrader's server extension
that the Assignments tab calls, and the Contents API that saving a notebook uses. The instructor
(root) acts in a private course directory with hub/course/nbgrader_config.py, with nbgrader's
exchange commands and the course's hardened grader (`course-grade grade`). In between, one student
tries to read the instructor's files and the other student's work, and to spoil it.
"""
import json
import os
import pwd
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import nbformat
import pytest
import requests

from autograder import cases as cases_mod
from autograder import edition
from autograder.course import SOLUTIONS
from student_venv import install_student_venv

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
HUB = REPO / "hub"
BIN = Path(sys.executable).parent
CHP = HUB / "node_modules" / ".bin" / "configurable-http-proxy"
COURSE_ID = "lmcourse"
ASSIGNMENT = "ngram"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def processes_marked(marker):
    """Pids of live processes whose environment holds ``marker`` (KEY=value): the hub, its proxy,
    the users' servers and everything those started."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            environ = (entry / "environ").read_bytes().split(b"\0")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if marker.encode() in environ and state != "Z":
            found.append(int(entry.name))
    return found


class Hub:
    def __init__(self, url, token):
        self.url = url
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"token {token}"

    def api(self, method, path, **kw):
        r = self.session.request(method, f"{self.url}/hub/api/{path}", timeout=60, **kw)
        assert r.status_code < 400, f"{method} /hub/api/{path}: {r.status_code} {r.text}"
        return r.json() if r.content else None

    def start_server(self, user):
        self.api("POST", f"users/{user}")
        self.api("POST", f"users/{user}/server")
        deadline = time.monotonic() + 90
        while not self.api("GET", f"users/{user}")["servers"].get("", {}).get("ready"):
            assert time.monotonic() < deadline, f"{user}'s server did not start"
            time.sleep(0.5)

    def user(self, user, method, path, **kw):
        """A request to ``user``'s own server through the hub's proxy, as their browser makes it."""
        r = self.session.request(method, f"{self.url}/user/{user}/{path}", timeout=120, **kw)
        assert r.status_code < 400, f"{method} /user/{user}/{path}: {r.status_code} {r.text[:2000]}"
        return r.json()

    def assignments(self, user, action=None, assignment=ASSIGNMENT):
        """nbgrader's Assignments tab: the list, or fetch / submit / fetch_feedback."""
        if action is None:
            out = self.user(user, "GET", "assignments", params={"course_id": COURSE_ID})
        else:
            out = self.user(user, "POST", f"assignments/{action}", data={"course_id": COURSE_ID, "assignment_id": assignment})
        assert out["success"], f"{user} {action or 'list'}: {out}"
        return out.get("value")


def server_processes(marker, user):
    """{pid: (real, effective, saved and filesystem uids, argv)} of this hub's processes that serve ``user``."""
    out = {}
    for pid in processes_marked(marker):
        proc = Path("/proc", str(pid))
        try:
            if f"JUPYTERHUB_USER={user}".encode() not in (proc / "environ").read_bytes().split(b"\0"):
                continue
            uids = (proc / "status").read_text().split("\nUid:")[1].split()[:4]
            out[pid] = ({int(uid) for uid in uids}, (proc / "cmdline").read_bytes().decode().split("\0")[:-1])
        except OSError:
            continue
    return out


@contextmanager
def shared_folder():
    """A new folder under /tmp that every user may enter (pytest's tmp_path can sit in a 0700 folder):
    the students' edition and venv, their homes, the exchange and the hub's (private) state."""
    root = Path(tempfile.mkdtemp(prefix="lmcourse-hub-", dir="/tmp"))
    root.chmod(0o755)
    try:
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


@contextmanager
def system_users(names, homes):
    """New system users ``names``, each with a private home (0700) under ``homes``: {name: pwd entry}.
    On leaving, whatever happened, they are deleted with their homes."""
    homes.mkdir(mode=0o755)
    made = []
    try:
        for name in names:
            subprocess.run(["useradd", "--create-home", "--home-dir", str(homes / name), "--user-group",
                            "--shell", "/bin/sh", name], check=True, capture_output=True)
            made.append(name)
            (homes / name).chmod(0o700)
        yield {name: pwd.getpwnam(name) for name in names}
    finally:
        for name in made:
            subprocess.run(["userdel", "--force", "--remove", name], capture_output=True)


def as_user(user, argv):
    """Run ``argv`` as the system user ``user``, in their home, with a plain environment."""
    home = pwd.getpwnam(user).pw_dir
    return subprocess.run([shutil.which("runuser"), "-u", user, "--", *map(str, argv)], cwd=home, capture_output=True, text=True,
                          timeout=120, env={"HOME": home, "USER": user, "PATH": "/usr/local/bin:/usr/bin:/bin"})


def python_for(user):
    """A Python of this version that ``user`` can run (the staff's may sit in root's private home)."""
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    for candidate in (Path(sys.base_prefix, "bin", version), Path("/usr/local/bin", version), Path("/usr/bin", version)):
        if candidate.exists() and as_user(user, [candidate, "-c", "pass"]).returncode == 0:
            return candidate
    pytest.fail(f"no {version} that {user} can run: the students' servers need one")


def student_venv(folder, user):
    """The students' environment in ``folder``: the student edition (no unit released) installed
    editable into a new venv whose third-party packages are the staff venv's, through a path file
    (the staff's own editable installs are not processed), with the Jupyter server extensions the
    staff's packages enabled, nbgrader's staff tools switched off by the edition's script."""
    built = folder / "student-edition"
    edition.stage(built, released=[])
    venv = folder / "venv"
    python = install_student_venv(python_for(user), built, venv)
    shutil.copytree(Path(sys.prefix, "etc", "jupyter", "jupyter_server_config.d"),
                    venv / "etc" / "jupyter" / "jupyter_server_config.d")
    (venv / "share").mkdir()
    (venv / "share" / "jupyter").symlink_to(Path(sys.prefix, "share", "jupyter"), target_is_directory=True)
    subprocess.run([str(python), str(built / "disable_staff_tools.py")], check=True, capture_output=True)
    return python


@contextmanager
def running_hub(tmp, shared, python):
    """Start the example hub as root, with an OS user's server per user run by ``python``; on
    leaving, stop it with SIGTERM as a service manager would."""
    state, exchange = shared / "hub", shared / "exchange"
    state.mkdir(mode=0o700)
    exchange.mkdir()
    exchange.chmod(0o1777)  # every user writes into the exchange; the sticky bit keeps their entries theirs
    port, token = free_port(), os.urandom(16).hex()
    env = dict(os.environ, LMCOURSE_HUB_STATE=str(state), LMCOURSE_HUB_PORT=str(port),
               LMCOURSE_HUB_API_PORT=str(free_port()), LMCOURSE_PROXY_API_PORT=str(free_port()),
               LMCOURSE_HUB_ADMIN_TOKEN=token, NBGRADER_EXCHANGE=str(exchange),
               LMCOURSE_HUB_SPAWNER="local", LMCOURSE_HUB_PYTHON=str(python),
               PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    log = open(tmp / "jupyterhub.log", "wb")
    proc = subprocess.Popen([str(BIN / "jupyterhub"), "-f", str(HUB / "jupyterhub_config.py")], cwd=state, env=env,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    hub = Hub(f"http://127.0.0.1:{port}", token)
    try:
        deadline = time.monotonic() + 90
        while True:
            assert proc.poll() is None, "jupyterhub exited:\n" + (tmp / "jupyterhub.log").read_text()[-5000:]
            try:
                if requests.get(f"{hub.url}/hub/api/", timeout=5).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            assert time.monotonic() < deadline, "jupyterhub did not answer:\n" + (tmp / "jupyterhub.log").read_text()[-5000:]
            time.sleep(0.5)
        yield hub, exchange
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


def instructor(course, exchange, *argv):
    """One command of the instructor, run in the course directory (which holds nbgrader_config.py)."""
    r = subprocess.run(argv, cwd=course, capture_output=True, text=True, timeout=300,
                       env=dict(os.environ, NBGRADER_EXCHANGE=str(exchange),
                                PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"))
    assert r.returncode == 0, f"{' '.join(argv)} failed:\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}"
    return r.stdout + r.stderr


# what alice's attempts do, one JSON list of [operation, path] in, one result each out
PROBE = """
import glob, json, os, sys

def attempt(op, path):
    try:
        if op == "find":
            return len(glob.glob(path))
        {"list": os.listdir, "read": lambda p: open(p, "rb").close(), "write": lambda p: open(p, "ab").close(),
         "delete": os.unlink, "rename": lambda p: os.rename(p, p + "-gone")}[op](path)
        return "done"
    except OSError as e:
        return type(e).__name__

print(json.dumps([attempt(op, path) for op, path in json.loads(sys.argv[1])]))
"""


def alice_tries(alice, python, attempts):
    """Run the ``attempts`` ([operation, path]) as the system user ``alice``: their results, in order."""
    r = as_user(alice, [python, "-c", PROBE, json.dumps([[op, str(path)] for op, path in attempts])])
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def spy_and_spoil(alice, bob, python, course, exchange, copies):
    """As alice: read the instructor's course directory, the solutions (the source notebook the course
    directory links to, the test's own copies) and bob's work in his home; find bob's submission in
    the exchange, and spoil it even knowing its name. Each attempt must fail as a permission error."""
    notebook = f"{ASSIGNMENT}.ipynb"
    inbound = exchange / COURSE_ID / "inbound"
    [submission] = inbound.glob(f"{bob}+{ASSIGNMENT}+*")  # root sees it; its random suffix hides it from others
    bob_home = Path(pwd.getpwnam(bob).pw_dir)
    denied = [("list", course), ("read", course / "nbgrader_config.py"), ("read", course / "gradebook.db"),
              ("read", course / "source" / ASSIGNMENT / notebook), *(("read", copy) for copy in copies),
              ("list", bob_home), ("read", bob_home / ASSIGNMENT / notebook), ("write", bob_home / ASSIGNMENT / notebook),
              ("delete", bob_home / ASSIGNMENT / notebook), ("list", inbound), ("rename", inbound),
              ("write", submission / notebook)]
    missing = [str(path) for _, path in denied if not path.exists()]
    assert not missing, f"the test's targets should exist: {missing}"
    results = alice_tries(alice, python, denied + [("find", inbound / f"{bob}+*")])
    assert results[:-1] == ["PermissionError"] * len(denied), list(zip(denied, results))
    assert results[-1] == 0, "alice found bob's submission in the exchange's inbound folder"


# alice's forgery: a submission folder under bob's name, newer than his, holding her own notebook
FORGE = """
import os, shutil, sys
folder, notebook, timestamp = sys.argv[1:4]
os.mkdir(folder)
shutil.copy(notebook, folder)
with open(os.path.join(folder, "timestamp.txt"), "w") as f:
    f.write(timestamp)
"""


def forge_for(alice, bob, python, exchange):
    """As alice, write a submission in bob's name into the exchange (any student can write there):
    the course's collect must refuse it. Returns its folder."""
    inbound = exchange / COURSE_ID / "inbound"
    [real] = inbound.glob(f"{bob}+{ASSIGNMENT}+*")
    stamp = real.name.rsplit("+", 3)[2]
    later = "2099" + stamp[4:]
    forged = inbound / f"{bob}+{ASSIGNMENT}+{later}+forged"
    notebook = Path(pwd.getpwnam(alice).pw_dir) / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    r = as_user(alice, [python, "-c", FORGE, forged, notebook, later])
    assert r.returncode == 0, r.stderr
    assert forged.stat().st_uid == pwd.getpwnam(alice).pw_uid
    return forged


def test_release_fetch_submit_collect_grade_feedback_on_a_real_hub(tmp_path):
    if os.geteuid() != 0 or not (shutil.which("useradd") and shutil.which("runuser")):
        pytest.skip("needs root, useradd and runuser: the hub runs as root, the test creates a system user per student")
    assert CHP.exists(), "configurable-http-proxy is missing: run `make setup` (it runs npm ci in hub/)"
    from autograder import sandbox

    ok, reason = sandbox.available()
    assert ok, f"the hardened grader needs its sandbox: {reason}"
    started = time.monotonic()
    cpu0 = sum(sum(resource.getrusage(who)[:2]) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    course = tmp_path / "course"
    course.mkdir(mode=0o700)
    shutil.copyfile(HUB / "course" / "nbgrader_config.py", course / "nbgrader_config.py")
    tag = os.urandom(3).hex()
    alice, bob = f"lmc-alice-{tag}", f"lmc-bob-{tag}"
    students = {bob: "complete", alice: "untouched"}

    with shared_folder() as shared, system_users(students, shared / "home") as users:
        python = student_venv(shared, alice)
        marker = f"LMCOURSE_HUB_STATE={shared / 'hub'}"
        with running_hub(tmp_path, shared, python) as (hub, exchange):
            round_trip(hub, exchange, course, students, python, tmp_path / "work")
            assert processes_marked(marker), "the users' servers should be running until the hub stops"
            for student, entry in users.items():
                served = server_processes(marker, student)
                assert served, f"no server of {student}"
                for uids, argv in served.values():
                    assert uids == {entry.pw_uid}, f"{student}'s server runs as uids {uids}, not as {student}"
                    assert argv[0] == str(python), f"{student}'s server runs {argv}, not the students' Python"
                lab = hub.session.get(f"{hub.url}/user/{student}/lab", timeout=60)
                assert lab.status_code == 200 and "jupyter-config-data" in lab.text, "JupyterLab should serve from the students' venv"

        # stopping the hub stopped the proxy, both users' servers and anything they started
        deadline = time.monotonic() + 20
        while processes_marked(marker) and time.monotonic() < deadline:
            time.sleep(0.5)
        left = processes_marked(marker)
        for pid in left:
            os.kill(pid, signal.SIGKILL)
        assert not left, f"processes left after the hub stopped: {left}"
    cpu = sum(sum(resource.getrusage(who)[:2]) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)) - cpu0
    print(f"hub round trip: {time.monotonic() - started:.1f} s wall, {cpu:.1f} s CPU (this process and the processes it waited for)")


def round_trip(hub, exchange, course, students, python, work):
    """Release; each student ({name: case}, bob then alice) fetches, answers and submits on their
    server; alice spies on and tries to spoil bob's work; the instructor collects, grades and returns feedback,
    and each student fetches theirs. The grades are each case's, whatever the spy did."""
    bob, alice = students
    instructor(course, exchange, str(BIN / "course-grade"), "generate", ASSIGNMENT, "--course", ".")
    out = instructor(course, exchange, str(BIN / "nbgrader"), "release_assignment", ASSIGNMENT)
    assert (exchange / COURSE_ID / "outbound" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").is_file(), out
    assert exchange.stat().st_mode & 0o7777 == 0o1777, "nbgrader should keep the exchange's sticky bit"

    for student, case_name in students.items():
        hub.start_server(student)
        [listed] = hub.assignments(student)
        assert (listed["assignment_id"], listed["status"]) == (ASSIGNMENT, "released")
        hub.assignments(student, "fetch")
        [listed] = hub.assignments(student)
        assert listed["status"] == "fetched" and listed["path"] == ASSIGNMENT
        # open the fetched notebook, answer (or not), save: the Contents API, as JupyterLab does
        nb_path = f"api/contents/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"
        fetched = nbformat.from_dict(hub.user(student, "GET", nb_path)["content"])
        (work / student).mkdir(parents=True)
        nbformat.write(fetched, work / student / f"{ASSIGNMENT}.ipynb")
        [case] = cases_mod.load_cases(ASSIGNMENT, [case_name])
        answered = cases_mod.build_submission(case, SOLUTIONS / ASSIGNMENT, work / student)[f"{ASSIGNMENT}.ipynb"]
        hub.user(student, "PUT", nb_path, json={"type": "notebook", "format": "json", "content": answered})
        hub.assignments(student, "submit")
        listed = by_status(hub.assignments(student))
        assert set(listed) == {"fetched", "submitted"} and len(listed["submitted"]["submissions"]) == 1
        [submitted] = (exchange / COURSE_ID / "inbound").glob(f"{student}+{ASSIGNMENT}+*")
        assert submitted.stat().st_uid == pwd.getpwnam(student).pw_uid, "a submission is owned by its student"

    spy_and_spoil(alice, bob, python, course, exchange, copies=[work / bob / f"{ASSIGNMENT}.ipynb"])
    forged = forge_for(alice, bob, python, exchange)

    # the instructor collects (the course's collect refuses what its owner did not submit under their
    # own name), grades with the hardened pipeline, returns feedback
    out = instructor(course, exchange, str(BIN / "nbgrader"), "collect", ASSIGNMENT)
    assert f"Refused {forged.name}" in out, f"the forged submission was not refused:\n{out}"
    assert "cheating" not in out, out
    for student in students:
        assert (course / "submitted" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").is_file()
    instructor(course, exchange, str(BIN / "course-grade"), "grade", ASSIGNMENT, "--course", ".", "--workers", "1")
    grades = {r["student_id"]: r for r in csv_rows(course / f"grades-{ASSIGNMENT}.csv")}
    assert set(grades) == set(students)
    assert grades[bob]["status"] == "graded", grades[bob]
    assert float(grades[bob]["score"]) == float(grades[bob]["max_score"]) > 0, grades[bob]
    assert grades[alice]["status"] == "graded" and float(grades[alice]["score"]) == 0, grades[alice]
    instructor(course, exchange, str(BIN / "nbgrader"), "release_feedback", ASSIGNMENT)

    # both students fetch their feedback through the Assignments tab
    html = {}
    for student in students:
        hub.assignments(student, "fetch_feedback")
        [submission] = by_status(hub.assignments(student))["submitted"]["submissions"]
        assert submission["has_local_feedback"] and not submission["feedback_updated"], submission
        [fetched] = (Path(pwd.getpwnam(student).pw_dir) / ASSIGNMENT / "feedback").glob(f"*/{ASSIGNMENT}.html")
        html[student] = fetched.read_text()
        assert html[student] == (course / "feedback" / student / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()
    total = float(grades[bob]["max_score"])
    assert f"Score: {total:.1f} / {total:.1f})" in html[bob]
    assert f"Score: 0.0 / {total:.1f})" in html[alice] and "NotImplementedError" in html[alice]


def by_status(listed):
    """{status: entry} of the Assignments tab's list for one assignment (fetched, submitted)."""
    out = {entry["status"]: entry for entry in listed if entry["assignment_id"] == ASSIGNMENT}
    assert len(out) == len(listed), listed
    return out


def csv_rows(path):
    import csv

    with open(path, newline="") as f:
        return list(csv.DictReader(f))
