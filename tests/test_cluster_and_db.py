"""Throughput on a cluster and a shared database: the hardened path grades the same ngram
submissions to the same outcomes through a real multi-process Dask ``LocalCluster`` as through the
local process pool, and keeps one consistent gradebook in a real PostgreSQL server started here."""
import csv
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import pytest

from autograder import sandbox
from autograder.hardened import grade_class, read_journal

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
# a handful of submissions with different outcomes: full marks, zero, partial marks
STUDENTS = {"s1_complete": "complete", "s2_untouched": "untouched", "s3_partly_wrong": "partly_wrong",
            "s4_raises": "raises", "s5_no_eos": "no_eos"}
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))


@pytest.fixture(autouse=True)
def _need_sandbox():
    ok, reason = sandbox.available()
    if not ok:
        pytest.skip(f"no sandbox: {reason}")


def outcome(row):
    return row.status, row.score, row.max_score, row.reason, row.isolation


def sqlalchemy_url(db_url):
    """SQLAlchemy 2.1 maps postgresql:// to psycopg 3; the course installs psycopg2."""
    return db_url.replace("postgresql://", "postgresql+psycopg2://", 1)


def gradebook_submissions(db_url, assignment="ngram"):
    """{student: [score of each submission the gradebook holds for them]}."""
    from nbgrader.api import Gradebook

    db_url = sqlalchemy_url(db_url)

    with Gradebook(db_url) as gb:
        out = {}
        for sub in gb.assignment_submissions(assignment):
            out.setdefault(sub.student.id, []).append((sub.score, sub.max_score))
        return out


@pytest.fixture(scope="module")
def local_pool_rows(tmp_path_factory, ngram_submissions):
    """The outcomes of STUDENTS through the local spawn process pool (the reference)."""
    from autograder.course import Course

    course = Course(tmp_path_factory.mktemp("pool") / "course")
    course.generate("ngram")
    for student, case in STUDENTS.items():
        course.submit(student, "ngram", ngram_submissions[case])
    rows = grade_class(course.root, "ngram", list(STUDENTS), workers=2, db_url=course.db_url, progress=False)
    return {r.student: r for r in rows}


def test_dask_local_cluster_matches_process_pool(tmp_path, make_ngram_course, local_pool_rows):
    from dask.distributed import Client, LocalCluster

    course = make_ngram_course(tmp_path / "course", STUDENTS)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        rows = grade_class(course.root, "ngram", list(STUDENTS), db_url=course.db_url, scheduler=client, progress=False)
        pids = client.run(os.getpid)
        assert len(set(pids.values())) == 2, "the cluster should have two worker processes"
        by_student = {r.student: r for r in rows}
        assert [r.student for r in rows] == list(STUDENTS)
        for student in STUDENTS:
            assert outcome(by_student[student]) == outcome(local_pool_rows[student]), student
        assert by_student["s1_complete"].status == "graded" and by_student["s1_complete"].score == by_student["s1_complete"].max_score > 0
        assert by_student["s2_untouched"].score == 0
        assert 0 < by_student["s3_partly_wrong"].score < by_student["s3_partly_wrong"].max_score

        subs = gradebook_submissions(course.db_url)
        assert sorted(subs) == sorted(STUDENTS)
        assert all(len(v) == 1 for v in subs.values()), f"duplicate submissions in the gradebook: {subs}"
        for student, [(score, max_score)] in subs.items():
            assert (score, max_score) == (by_student[student].score, by_student[student].max_score), student

        # the CLI route: a scheduler *address*, re-grading one student on the cluster replaces the grade
        proc = subprocess.run(
            [sys.executable, "-m", "autograder", "grade", "ngram", "--course", str(course.root),
             "--scheduler", cluster.scheduler_address, "--student", "s3_partly_wrong"],
            capture_output=True, text=True, timeout=300, cwd=REPO)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        row, _ = read_journal(course.root, "ngram", "s3_partly_wrong")
        assert outcome(row) == outcome(local_pool_rows["s3_partly_wrong"])
        subs = gradebook_submissions(course.db_url)
        assert all(len(v) == 1 for v in subs.values()), f"duplicate submissions after a re-grade: {subs}"


# ----------------------------------------------------------------------------------- PostgreSQL

def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_unprivileged(cmd):
    """PostgreSQL refuses to run as root: run its tools as nobody when we are root."""
    if os.geteuid() != 0:
        return cmd
    setpriv = shutil.which("setpriv")
    if setpriv:
        return [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"] + cmd
    return [shutil.which("runuser") or "runuser", "-u", "nobody", "--"] + cmd


@pytest.fixture(scope="module")
def postgres_url():
    """A throw-away PostgreSQL server (Debian's binaries) on 127.0.0.1 with a fresh database; yields
    its URL and stops the server at the end, even when the test fails."""
    if not (PG_BIN / "initdb").exists() or not (PG_BIN / "pg_ctl").exists():
        pytest.skip(f"no PostgreSQL server binaries in {PG_BIN} (Debian: apt-get install postgresql; or set PG_BIN)")
    if os.geteuid() == 0 and not (shutil.which("setpriv") or shutil.which("runuser")):
        pytest.skip("running as root and neither setpriv nor runuser is available to drop privileges for PostgreSQL")
    base = Path(tempfile.mkdtemp(prefix="lmcourse-pg-"))
    if os.geteuid() == 0:
        os.chown(base, 65534, 65534)
    data, sock, log = base / "data", base / "sock", base / "server.log"
    run = lambda cmd, **kw: subprocess.run(_as_unprivileged(cmd), capture_output=True, text=True, timeout=120, **kw)  # noqa: E731
    started = False
    try:
        init = run([str(PG_BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "grader", "-E", "UTF8", "--no-sync"])
        if init.returncode != 0:
            pytest.skip(f"initdb failed here: {init.stderr.strip()[-300:]}")
        run(["mkdir", "-p", str(sock)])
        port = _free_port()
        opts = f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50"
        start = run([str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60", "-o", opts, "start"])
        started = True
        if start.returncode != 0:
            pytest.fail(f"PostgreSQL did not start: {start.stdout}{start.stderr}\n{log.read_text() if log.exists() else ''}")
        create = run([str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "grader", "gradebook"])
        assert create.returncode == 0, create.stderr
        yield f"postgresql://grader@127.0.0.1:{port}/gradebook"
    finally:
        if started:
            run([str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "-t", "30", "stop"])
        shutil.rmtree(base, ignore_errors=True)


def test_postgresql_gradebook(tmp_path, make_ngram_course, postgres_url, local_pool_rows):
    import psycopg2

    course = make_ngram_course(tmp_path / "course", STUDENTS, generate=False)
    # the TA's command, two workers, the gradebook in PostgreSQL
    proc = subprocess.run(
        [sys.executable, "-m", "autograder", "grade", "ngram", "--course", str(course.root), "--workers", "2",
         "--db-url", postgres_url],
        capture_output=True, text=True, timeout=300, cwd=REPO)
    assert "No module named 'psycopg'" not in proc.stderr, (
        "--db-url postgresql://... fails: SQLAlchemy 2.1 maps postgresql:// to psycopg 3, the course installs "
        "psycopg2; autograder.course.load_config should use postgresql+psycopg2:// when psycopg is missing")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert not (course.root / "gradebook.db").exists(), "the SQLite gradebook was used instead of PostgreSQL"
    with psycopg2.connect(postgres_url) as conn, conn.cursor() as cur:
        cur.execute("select count(*) from submitted_assignment")
        assert cur.fetchone()[0] == len(STUDENTS), "PostgreSQL does not hold the submissions"

    rows = {s: read_journal(course.root, "ngram", s)[0] for s in STUDENTS}
    for student in STUDENTS:
        assert outcome(rows[student]) == outcome(local_pool_rows[student]), student

    subs = gradebook_submissions(postgres_url)
    assert sorted(subs) == sorted(STUDENTS)
    assert all(len(v) == 1 for v in subs.values()), f"duplicate submissions in the gradebook: {subs}"

    with open(course.root / "grades-ngram.csv", newline="") as f:
        table = list(csv.DictReader(f))
    assert Counter(r["student_id"] for r in table) == Counter(list(STUDENTS)), "the CSV needs exactly one row per student"
    for line in table:
        student = line["student_id"]
        [(score, max_score)] = subs[student]
        row = rows[student]
        assert (score, max_score) == (row.score, row.max_score), student
        assert (float(line["score"]), float(line["max_score"]), line["status"]) == (score, max_score, row.status), student
