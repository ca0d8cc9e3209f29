"""Recovery: a grader killed mid-class (SIGKILL to its whole process group) and run again completes
the class with no duplicate and no lost grade, without grading again those already graded;
re-grading one student is idempotent, --regrade grades everybody again, and a student on the roster
with no submission gets a ``missing`` row."""
import csv
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from autograder import cases as cases_mod
from autograder import sandbox
from autograder.hardened import journal_path, read_journal

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
STUDENTS = {"s1_complete": "complete", "s2_untouched": "untouched", "s3_partly_wrong": "partly_wrong",
            "s4_raises": "raises", "s5_no_eos": "no_eos", "s6_alt_loops": "alt_loops"}
ABSENT = "s7_absent"


def grade_cmd(course, *extra):
    return [sys.executable, "-m", "autograder", "grade", "ngram", "--course", str(course.root),
            "--roster", str(course.root / "roster.txt"), *extra]


def run_grader(course, *extra, timeout=400):
    proc = subprocess.run(grade_cmd(course, *extra), capture_output=True, text=True, timeout=timeout, cwd=REPO)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc


def journal_entries(course):
    folder = course.root / "results" / "ngram"
    return {p.stem: p.stat().st_mtime_ns for p in folder.glob("*.json")} if folder.is_dir() else {}


def csv_rows(course):
    with open(course.root / "grades-ngram.csv", newline="") as f:
        return list(csv.DictReader(f))


def gradebook_submissions(course):
    from nbgrader.api import Gradebook

    with Gradebook(course.db_url) as gb:
        out = {}
        for sub in gb.assignment_submissions("ngram"):
            out.setdefault(sub.student.id, []).append((sub.score, sub.max_score))
        return out


def processes_mentioning(text):
    """pids of live processes whose command line contains ``text``."""
    found = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                cmdline = (d / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                state = (d / "stat").read_text().split(") ", 1)[1].split()[0]
            except OSError:
                continue
            if text in cmdline and state != "Z":
                found.append(int(d.name))
    return found


def check_class(course):
    """Assert the class is complete and consistent; returns {student: Row}."""
    roster = list(STUDENTS) + [ABSENT]
    rows = {s: read_journal(course.root, "ngram", s)[0] for s in roster}
    assert all(rows.values()), f"students without a journal entry: {[s for s, r in rows.items() if r is None]}"
    cases = {c.name: c for c in cases_mod.load_cases("ngram", sorted(set(STUDENTS.values())))}
    wrong = [f"{s}: {rows[s].status} {rows[s].score}/{rows[s].max_score} ({rows[s].reason})"
             for s, case in STUDENTS.items() if not cases[case].outcome_ok(rows[s])]
    assert not wrong, "lost or wrong grades:\n" + "\n".join(wrong)
    assert rows[ABSENT].status == "missing", rows[ABSENT]

    table = csv_rows(course)
    assert Counter(r["student_id"] for r in table) == Counter(roster), "the CSV needs exactly one row per student"
    for line in table:
        row = rows[line["student_id"]]
        assert (line["status"], float(line["score"]), float(line["max_score"])) == (row.status, row.score, row.max_score)

    subs = gradebook_submissions(course)
    assert sorted(subs) == sorted(STUDENTS), f"gradebook students: {sorted(subs)}"
    assert all(len(v) == 1 for v in subs.values()), f"duplicate submissions in the gradebook: {subs}"
    for student, [(score, max_score)] in subs.items():
        assert (score, max_score) == (rows[student].score, rows[student].max_score), student
    return rows


@pytest.fixture(scope="module")
def resumed_class(tmp_path_factory, ngram_submissions):
    """Grade with one worker, SIGKILL the grader's process group once the first student is
    journaled, run it again to completion. Returns (course, journal mtimes right after the kill)."""
    ok, reason = sandbox.available()
    if not ok:
        pytest.skip(f"no sandbox: {reason}")
    from autograder.course import Course

    course = Course(tmp_path_factory.mktemp("recovery") / "course")
    for student, case in STUDENTS.items():
        course.submit(student, "ngram", ngram_submissions[case])
    (course.root / "roster.txt").write_text("\n".join(list(STUDENTS) + [ABSENT]) + "\n")

    log = open(course.root / "killed-run.log", "w")
    proc = subprocess.Popen(grade_cmd(course, "--workers", "1"), stdout=log, stderr=subprocess.STDOUT, cwd=REPO,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 300
        while not journal_entries(course):
            assert proc.poll() is None, f"the grader ended before the kill: {(course.root / 'killed-run.log').read_text()[-2000:]}"
            assert time.monotonic() < deadline, "no journal entry within 300 s"
            time.sleep(0.1)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        log.close()
    done = journal_entries(course)
    assert 0 < len(done) < len(STUDENTS), f"the kill came too late to test anything: {sorted(done)}"
    deadline = time.monotonic() + 15
    while processes_mentioning(str(course.root)) and time.monotonic() < deadline:
        time.sleep(0.5)
    left = processes_mentioning(str(course.root))
    assert not left, f"processes outlived the killed grader: {left}"

    run_grader(course, "--workers", "1")
    return course, done


def test_killed_grader_completes_the_class_without_duplicates(resumed_class):
    course, done_before_kill = resumed_class
    check_class(course)
    after = journal_entries(course)
    regraded = [s for s, mtime in done_before_kill.items() if after[s] != mtime]
    assert not regraded, f"graded again after the restart: {regraded}"


def test_regrade_one_student_is_idempotent_and_regrade_grades_all(resumed_class):
    course, _ = resumed_class
    before = check_class(course)
    mtimes = journal_entries(course)

    # re-grading one student replaces the grade: same score, still one submission
    time.sleep(0.05)
    run_grader(course, "--student", "s3_partly_wrong")
    row, _ = read_journal(course.root, "ngram", "s3_partly_wrong")
    assert (row.status, row.score, row.max_score) == (before["s3_partly_wrong"].status, before["s3_partly_wrong"].score,
                                                      before["s3_partly_wrong"].max_score)
    after = journal_entries(course)
    assert after["s3_partly_wrong"] != mtimes["s3_partly_wrong"], "--student did not grade the student again"
    assert all(after[s] == mtimes[s] for s in mtimes if s != "s3_partly_wrong"), "--student graded other students"
    # the CSV an LMS imports still lists the whole class, not only the re-graded student
    check_class(course)

    # a run with nothing new grades nobody
    run_grader(course, "--workers", "2")
    assert journal_entries(course) == after, "a run with no new submission graded students again"

    # --regrade grades every submission again, to the same outcomes
    run_grader(course, "--workers", "2", "--regrade")
    final = journal_entries(course)
    assert all(final[s] != after[s] for s in STUDENTS), "--regrade left students ungraded"
    rows = check_class(course)
    for s in STUDENTS:
        assert (rows[s].status, rows[s].score, rows[s].max_score, rows[s].reason) == \
               (before[s].status, before[s].score, before[s].max_score, before[s].reason), s
    assert journal_path(course.root, "ngram", ABSENT).exists()
