"""The whole round trip on a real JupyterHub: release, fetch, submit, collect, grade, feedback.

The hub is hub/jupyterhub_config.py as documented (DummyAuthenticator, SimpleLocalProcessSpawner,
configurable-http-proxy from hub/node_modules), everything on loopback ports in a temporary folder.
Students act through their own servers, behind the hub's proxy, with the REST endpoints of nbgrader's
server extension that the Assignments tab calls, and the Contents API that saving a notebook uses.
The instructor acts in a course directory with hub/course/nbgrader_config.py, with nbgrader's
exchange commands and the course's hardened grader (`course-grade grade`).
"""
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import nbformat
import pytest
import requests

from autograder import cases as cases_mod
from autograder.course import SOLUTIONS

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
    def __init__(self, url, token, home):
        self.url, self.home = url, home
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


@contextmanager
def running_hub(tmp):
    """Start the example hub; on leaving, stop it with SIGTERM as a service manager would."""
    state, exchange = tmp / "hub", tmp / "exchange"
    state.mkdir()
    exchange.mkdir()
    exchange.chmod(0o777)  # nbgrader's exchange is shared by every user
    port, token = free_port(), os.urandom(16).hex()
    env = dict(os.environ, LMCOURSE_HUB_STATE=str(state), LMCOURSE_HUB_PORT=str(port),
               LMCOURSE_HUB_API_PORT=str(free_port()), LMCOURSE_PROXY_API_PORT=str(free_port()),
               LMCOURSE_HUB_ADMIN_TOKEN=token, NBGRADER_EXCHANGE=str(exchange),
               PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    log = open(tmp / "jupyterhub.log", "wb")
    proc = subprocess.Popen([str(BIN / "jupyterhub"), "-f", str(HUB / "jupyterhub_config.py")], cwd=state, env=env,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    hub = Hub(f"http://127.0.0.1:{port}", token, state / "home")
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


def test_release_fetch_submit_collect_grade_feedback_on_a_real_hub(tmp_path):
    assert CHP.exists(), "configurable-http-proxy is missing: run `make setup` (it runs npm ci in hub/)"
    from autograder import sandbox

    ok, reason = sandbox.available()
    assert ok, f"the hardened grader needs its sandbox: {reason}"
    started = time.monotonic()
    cpu0 = sum(sum(resource.getrusage(who)[:2]) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    course = tmp_path / "course"
    course.mkdir()
    shutil.copyfile(HUB / "course" / "nbgrader_config.py", course / "nbgrader_config.py")
    marker = f"LMCOURSE_HUB_STATE={tmp_path / 'hub'}"
    students = {"alice": "complete", "bob": "untouched"}

    with running_hub(tmp_path) as (hub, exchange):
        # the instructor releases the assignment to the exchange
        instructor(course, exchange, str(BIN / "course-grade"), "generate", ASSIGNMENT, "--course", ".")
        out = instructor(course, exchange, str(BIN / "nbgrader"), "release_assignment", ASSIGNMENT)
        assert (exchange / COURSE_ID / "outbound" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").is_file(), out

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
            work = tmp_path / "work" / student
            work.mkdir(parents=True)
            nbformat.write(fetched, work / f"{ASSIGNMENT}.ipynb")
            [case] = cases_mod.load_cases(ASSIGNMENT, [case_name])
            answered = cases_mod.build_submission(case, SOLUTIONS / ASSIGNMENT, work)[f"{ASSIGNMENT}.ipynb"]
            hub.user(student, "PUT", nb_path, json={"type": "notebook", "format": "json", "content": answered})
            hub.assignments(student, "submit")
            listed = by_status(hub.assignments(student))
            assert set(listed) == {"fetched", "submitted"} and len(listed["submitted"]["submissions"]) == 1

        # the instructor collects, grades with the hardened pipeline, returns feedback
        out = instructor(course, exchange, str(BIN / "nbgrader"), "collect", ASSIGNMENT)
        assert "cheating" not in out, out
        for student in students:
            assert (course / "submitted" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").is_file()
        instructor(course, exchange, str(BIN / "course-grade"), "grade", ASSIGNMENT, "--course", ".", "--workers", "1")
        grades = {r["student_id"]: r for r in csv_rows(course / f"grades-{ASSIGNMENT}.csv")}
        assert set(grades) == set(students)
        assert grades["alice"]["status"] == "graded", grades["alice"]
        assert float(grades["alice"]["score"]) == float(grades["alice"]["max_score"]) > 0, grades["alice"]
        assert grades["bob"]["status"] == "graded" and float(grades["bob"]["score"]) == 0, grades["bob"]
        instructor(course, exchange, str(BIN / "nbgrader"), "release_feedback", ASSIGNMENT)

        # both students fetch their feedback through the Assignments tab
        for student in students:
            hub.assignments(student, "fetch_feedback")
            [submission] = by_status(hub.assignments(student))["submitted"]["submissions"]
            assert submission["has_local_feedback"] and not submission["feedback_updated"], submission
            [html] = (hub.home / student / ASSIGNMENT / "feedback").glob(f"*/{ASSIGNMENT}.html")
            assert html.read_text() == (course / "feedback" / student / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()

        alice_html = next((hub.home / "alice" / ASSIGNMENT / "feedback").glob(f"*/{ASSIGNMENT}.html")).read_text()
        bob_html = next((hub.home / "bob" / ASSIGNMENT / "feedback").glob(f"*/{ASSIGNMENT}.html")).read_text()
        total = float(grades["alice"]["max_score"])
        assert f"Score: {total:.1f} / {total:.1f})" in alice_html
        assert f"Score: 0.0 / {total:.1f})" in bob_html and "NotImplementedError" in bob_html
        assert processes_marked(marker), "the users' servers should be running until the hub stops"

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


def by_status(listed):
    """{status: entry} of the Assignments tab's list for one assignment (fetched, submitted)."""
    out = {entry["status"]: entry for entry in listed if entry["assignment_id"] == ASSIGNMENT}
    assert len(out) == len(listed), listed
    return out


def csv_rows(path):
    import csv

    with open(path, newline="") as f:
        return list(csv.DictReader(f))
