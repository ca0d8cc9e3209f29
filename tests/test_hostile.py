"""The corpus of hostile and broken submissions gets its required outcomes through the real, sandboxed
grading path, and nothing a submission does reaches the grader: no credit above the maximum, no
change to the gradebook, no file outside its folder, no process left behind, small feedback.

The corpus is autograder/cases/<assignment>/hostile_*.py and broken_*.py (each states its outcome);
submissions whose notebook structure is edited (test cells deleted, edited, duplicated, reordered,
metadata changed) or that are not notebooks at all cannot be written as case files and are built here.
"""
import copy
import json
import os
import sqlite3
from pathlib import Path

import pytest

from autograder import cases as cases_mod
from autograder import sandbox
from autograder.cli import grade_cases
from autograder.course import REPO, SOLUTIONS, Course
from autograder.hardened import grade_class

pytestmark = pytest.mark.slow

ASSIGNMENT = "ngram"
MAX_SCORE = 32
WALL_SECONDS = 40
FEEDBACK_LIMIT = 1_000_000
SLEEP_MARKERS = ("987654", "987653")  # hostile_detached_child, hostile_fork_bomb
ESCAPE_MARKER = "ESCAPED_hostile_write_outside"


def corpus_names(assignment=ASSIGNMENT):
    return [c.name for c in cases_mod.load_cases(assignment) if c.name.startswith(("hostile_", "broken_"))]


def _surviving(markers):
    """pids of processes whose command line contains one of ``markers``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if any(m in cmdline for m in markers):
            found.append(f"{entry.name}: {cmdline[:200]}")
    return found


def _escape_targets(root):
    return [root / ESCAPE_MARKER, root.parent / ESCAPE_MARKER, REPO / ESCAPE_MARKER, Path.home() / ESCAPE_MARKER,
            Path("/tmp") / ESCAPE_MARKER]


# --- submissions the case format cannot express --------------------------------------------------

def _gid(cell):
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def _is_test(cell):
    meta = cell.metadata.get("nbgrader", {})
    return cell.cell_type == "code" and meta.get("grade") and not meta.get("solution")


def structure_edits(release_dir):
    """{student: (notebook files, expected status, expected score or None for "less than max")}."""
    complete = cases_mod.build_submission(cases_mod.Case("c", "", "full", "solution"), SOLUTIONS / ASSIGNMENT, release_dir)
    wrong = cases_mod.load_cases(ASSIGNMENT, ["partly_wrong"])[0]
    partly = cases_mod.build_submission(wrong, SOLUTIONS / ASSIGNMENT, release_dir)
    (name,) = complete  # one notebook
    out = {}

    nb = copy.deepcopy(partly[name])  # wrong answers, every test cell reduced to `assert True`
    for cell in nb.cells:
        if _is_test(cell):
            cell.source = "assert True\n"
    out["edit_tests_assert_true"] = ({name: nb}, "graded", None)

    nb = copy.deepcopy(complete[name])
    nb.cells = [c for c in nb.cells if not _is_test(c)]
    out["edit_tests_deleted"] = ({name: nb}, "graded", MAX_SCORE)

    nb = copy.deepcopy(complete[name])
    cells = []
    for cell in nb.cells:
        cells.append(cell)
        if _gid(cell) in ("count_ngrams", "test_count_ngrams_toy", "mle_prob", "test_mle_prob"):
            cells.append(copy.deepcopy(cell))  # copy-paste duplicates, of an answer and of a test
    nb.cells = cells
    out["edit_duplicated_cells"] = ({name: nb}, "graded", MAX_SCORE)

    nb = copy.deepcopy(complete[name])
    nb.cells = nb.cells[::-1]
    out["edit_reordered_cells"] = ({name: nb}, "graded", MAX_SCORE)

    nb = copy.deepcopy(complete[name])
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade"):
            meta["points"] = 100
        if _gid(cell) == "test_kneser_ney_sums":
            meta["grade_id"] = "test_mine"
    nb.metadata["nbgrader"] = {"total_points": 9999}
    out["edit_points_and_ids"] = ({name: nb}, "graded", MAX_SCORE)

    # the one notebook handed in under another name (JupyterLab's "Duplicate", a browser download)
    out["edit_renamed_notebook"] = ({name.replace(".ipynb", "-Copy1.ipynb"): copy.deepcopy(complete[name])}, "graded", MAX_SCORE)
    return out


def place_raw(course, student, files):
    folder = course.path("submitted", student, ASSIGNMENT)
    folder.mkdir(parents=True, exist_ok=True)
    for fname, content in files.items():
        (folder / fname).write_text(content)


# --- the test ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    ok, reason = sandbox.available()
    if not ok:
        pytest.skip(f"the hostile corpus is graded only in the sandbox, which cannot run here: {reason}")
    root = tmp_path_factory.mktemp("hostile") / "course"
    for target in _escape_targets(root):
        target.unlink(missing_ok=True)
    course = Course(root)
    names = corpus_names()
    rows = grade_cases(course, ASSIGNMENT, names, workers=2, wall_seconds=WALL_SECONDS)

    release = course.path("release", assignment=ASSIGNMENT)
    edits = structure_edits(release)
    for student, (notebooks, _, _) in edits.items():
        course.submit(student, ASSIGNMENT, notebooks)
    (course.path("submitted", "broken_empty_folder", ASSIGNMENT)).mkdir(parents=True)
    place_raw(course, "broken_not_json", {"ngram.ipynb": '{"cells": [ this is not JSON'})
    place_raw(course, "broken_no_notebook", {"ngram.py": "def count_ngrams(s, n):\n    return 0\n"})
    extra = list(edits) + ["broken_empty_folder", "broken_not_json", "broken_no_notebook", "never_submitted"]
    extra_rows = grade_class(course.root, ASSIGNMENT, extra, workers=2, db_url=course.db_url, regrade=True,
                             wall_seconds=WALL_SECONDS, progress=False)
    return course, names, rows, edits, extra_rows


def test_every_case_gets_its_required_outcome(graded):
    _, names, rows, _, _ = graded
    assert [r.student for r in rows] == names, "exactly one row per case, in order"
    wrong = [f"{r.student}: expected {r.expected}, got {r.status} {r.score:g}/{r.max_score:g} ({r.reason[:200]})"
             for r in rows if r.verdict != "ok"]
    assert not wrong, "\n".join(wrong)


def test_the_reasons_say_what_happened(graded):
    _, _, rows, _, _ = graded
    by = {r.student: r for r in rows}
    assert by["hostile_sigint_loop"].reason.startswith("timeout"), by["hostile_sigint_loop"].reason
    for name in ("hostile_kill_self", "broken_os_exit"):
        assert by[name].reason.startswith("crashed kernel"), by[name].reason
    assert "MemoryError" in by["hostile_memory"].reason, by["hostile_memory"].reason
    for r in rows:
        if r.status == "review":
            assert "withheld for manual review" in r.reason and r.score == 0
        assert r.isolation == "sandbox"


def test_structure_edits_cannot_change_the_grade(graded):
    _, _, _, edits, extra_rows = graded
    by = {r.student: r for r in extra_rows}
    problems = []
    for student, (_, status, score) in edits.items():
        r = by[student]
        if r.status != status or r.max_score != MAX_SCORE:
            problems.append(f"{student}: {r.status} {r.score:g}/{r.max_score:g} ({r.reason[:200]})")
        elif score is None and not r.score < MAX_SCORE:
            problems.append(f"{student}: edited test cells earned {r.score:g}/{r.max_score:g}")
        elif score is not None and r.score != score:
            problems.append(f"{student}: {r.score:g}/{r.max_score:g}, want {score} ({r.reason[:200]})")
    assert not problems, "\n".join(problems)
    assert "more than once" in by["edit_duplicated_cells"].reason, by["edit_duplicated_cells"].reason
    assert "ngram-Copy1.ipynb was graded as ngram.ipynb" in by["edit_renamed_notebook"].reason


def test_unusable_submissions_get_explicit_outcomes(graded):
    _, _, _, _, extra_rows = graded
    by = {r.student: r for r in extra_rows}
    assert by["broken_empty_folder"].status == "missing" and "no notebook" in by["broken_empty_folder"].reason
    assert by["broken_no_notebook"].status == "missing" and "no notebook" in by["broken_no_notebook"].reason
    assert by["broken_not_json"].status == "failed" and "invalid notebook" in by["broken_not_json"].reason
    assert by["never_submitted"].status == "missing" and by["never_submitted"].reason == "no submission"


def test_one_row_per_student_and_no_score_above_the_maximum(graded):
    course, names, rows, _, extra_rows = graded
    every = rows + extra_rows
    students = [r.student for r in every]
    assert len(students) == len(set(students))
    journal = sorted(p.stem for p in (course.root / "results" / ASSIGNMENT).glob("*.json"))
    assert journal == sorted(students), "one journal entry per student, no more"
    for r in every:
        assert r.score is not None and r.score <= r.max_score + 1e-9, f"{r.student}: {r.score}/{r.max_score}"
        if r.status in ("graded", "review"):
            assert r.max_score == MAX_SCORE, f"{r.student}: max {r.max_score}, the assignment is worth {MAX_SCORE}"
        else:  # failed and missing rows carry no score at all (see the report: they should carry the maximum)
            assert r.score == 0 and r.max_score in (0, MAX_SCORE), f"{r.student}: {r.score}/{r.max_score}"


def test_gradebook_untouched_by_student_code(graded):
    course, _, _, _, _ = graded
    with sqlite3.connect(course.root / "gradebook.db") as con:
        extra = con.execute("SELECT COUNT(*) FROM grade WHERE extra_credit IS NOT NULL AND extra_credit != 0").fetchone()[0]
        manual = con.execute("SELECT COUNT(*) FROM grade WHERE manual_score IS NOT NULL").fetchone()[0]
    assert extra == 0, "student code gave itself extra credit in the gradebook"
    assert manual == 0, "student code wrote manual scores into the gradebook"


def test_feedback_stays_small(graded):
    course, _, rows, _, extra_rows = graded
    files = list((course.root / "feedback").rglob("*.html"))
    assert files
    big = [f"{p.relative_to(course.root)}: {p.stat().st_size} bytes" for p in files if p.stat().st_size > FEEDBACK_LIMIT]
    assert not big, big
    huge = course.root / "feedback" / "hostile_huge_output" / ASSIGNMENT
    assert huge.is_dir() and all(p.stat().st_size < FEEDBACK_LIMIT for p in huge.glob("*.html"))
    autograded = course.root / "autograded" / "hostile_huge_output" / ASSIGNMENT
    assert all(p.stat().st_size < FEEDBACK_LIMIT for p in autograded.glob("*.ipynb"))


def test_nothing_escapes_the_sandbox(graded):
    course, _, _, _, _ = graded
    left = _surviving(SLEEP_MARKERS + (str(course.root),))
    assert not left, "processes started by student code outlived grading:\n" + "\n".join(left)
    escaped = [str(p) for p in _escape_targets(course.root) if p.exists()]
    assert not escaped, f"student code wrote outside its folder: {escaped}"
    assert not list(course.root.rglob("borrowed_mle.py")), "hostile_read_source found a notebook to copy from"
    fillers = list(course.root.rglob("FILLER_hostile_disk_fill_*")) + list(Path("/tmp").glob("FILLER_hostile_disk_fill_*"))
    assert not fillers, f"hostile_disk_fill wrote to the grader's disk: {fillers[:3]}"
    # hostile_read_source found nothing to borrow: its answer cell fell back to the wrong function
    row = json.loads((course.root / "results" / ASSIGNMENT / "hostile_read_source.json").read_text())
    assert row["score"] < MAX_SCORE
