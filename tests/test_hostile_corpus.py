"""The attack corpus of a NumPy unit (rnn) and a torch unit (seq2seq), graded with the sandbox on.

Each case of ``autograder/cases/<unit>/hostile_*.py`` (and the careless ``verbose_correct`` and
``helper_module``) states its required outcome. The classes of attack: output that hides a
failure, partial credit claimed from the student's side, bypasses of the static scan, files
handed in next to the notebook, hidden tests reaching the feedback, limits, and data hygiene.
Submissions that a case file cannot express (links, special files, folder names, roster ids) are
built here. Beyond each outcome, the whole class is checked: one row per student, no feedback
with hidden-test text or a script of the student's, nothing left on the grader's disk, a CSV no
spreadsheet reads as formulas, and an honest student graded in the same run unaffected.
"""
import csv
import html
import os
import re
from pathlib import Path

import pytest

from autograder import cases as cases_mod
from autograder import sandbox
from autograder.cli import grade_cases
from autograder.course import SOLUTIONS, Course
from autograder.hardened import grade_class
from autograder.report import write_csv
from autograder.edition import HIDDEN_REGION, secret_lines

pytestmark = pytest.mark.slow

UNITS = ("rnn", "seq2seq")
WALL_SECONDS = 90
SECRET_VARIABLE = "GRADER_SECRET_TOKEN"
FEEDBACK_LIMIT = 1_000_000
STUDENT_SCRIPT = re.compile(r"<script>alert|<img[^>]*onerror|<svg|javascript:alert", re.I)  # raw tags, not escaped text
INVALID_IDS = ("../../escaped", "=HYPERLINK(\"x\")", "+cmd")


def corpus(unit):
    return [c.name for c in cases_mod.load_cases(unit) if c.name.startswith("hostile_") or c.name in ("verbose_correct", "helper_module")]


def _leftovers(folder):
    return sorted(p.name for p in Path(folder).iterdir())


def structural(course, unit):
    """{student: (expected status, reason fragment)} for submissions built here, placed in ``course``."""
    release = course.path("release", assignment=unit)
    complete = cases_mod.build_submission(cases_mod.Case("c", "", "full", "solution"), SOLUTIONS / unit, release)
    name = f"{unit}.ipynb"
    out = {}

    def place(student, files):
        folder = course.submit(student, unit, {k: v for k, v in files.items() if not callable(v)})
        for fname, make in files.items():
            if callable(make):
                make(folder / fname)
        return folder

    # the instructor's notebook (every answer and hidden test), handed in as a link
    place("link_notebook", {name: lambda p: p.symlink_to(course.root / "source" / unit / name)})
    out["link_notebook"] = ("missing", "is a link")
    # complete answers with links to the gradebook and /dev/zero, a named pipe and a folder
    place("special_files", {**complete, "gradebook.db": lambda p: p.symlink_to(course.root / "gradebook.db"),
                            "zeros": lambda p: p.symlink_to("/dev/zero"), "pipe": lambda p: os.mkfifo(p),
                            "sub": lambda p: p.mkdir()})
    out["special_files"] = ("graded", "is a link: not used")
    place("huge_file", {**complete, "weights.bin": b"\0" * (11 * 2**20)})
    out["huge_file"] = ("graded", "is over the 10 MB")
    # the only notebook, named like a spreadsheet formula
    place("formula_name", {'=HYPERLINK("x")+1.ipynb': complete[name]})
    out["formula_name"] = ("graded", "was graded as")
    # a submission folder that is a link to another student's
    (course.root / "submitted" / "link_folder").mkdir(parents=True, exist_ok=True)
    (course.root / "submitted" / "link_folder" / unit).symlink_to(course.path("submitted", "special_files", unit))
    out["link_folder"] = ("failed", "is a link")
    course.submit("honest", unit, complete)
    out["honest"] = ("graded", "")
    return out


@pytest.fixture(scope="module", params=UNITS)
def graded(request, tmp_path_factory):
    ok, reason = sandbox.available()
    if not ok:
        pytest.skip(f"the corpus is graded only in the sandbox, which cannot run here: {reason}")
    unit = request.param
    scratch = tmp_path_factory.mktemp(f"tmp-{unit}")  # the graders' temporary folders, to see what they leave
    saved = {k: os.environ.get(k) for k in (SECRET_VARIABLE, "TMPDIR")}
    os.environ.update({SECRET_VARIABLE: "s3cr3t-of-the-grader", "TMPDIR": str(scratch)})  # the kernels must not see the secret
    try:
        course = Course(tmp_path_factory.mktemp(f"corpus-{unit}") / "course")
        rows = grade_cases(course, unit, corpus(unit), workers=2, wall_seconds=WALL_SECONDS)
        built = structural(course, unit)
        extra = grade_class(course.root, unit, list(built) + list(INVALID_IDS), workers=2, db_url=course.db_url,
                            regrade=True, wall_seconds=WALL_SECONDS, progress=False)
    finally:
        for k, v in saved.items():
            os.environ.pop(k) if v is None else os.environ.__setitem__(k, v)
    csv_path = course.root / "grades.csv"
    write_csv(rows + extra, csv_path)
    return dict(unit=unit, course=course, rows=rows, built=built, extra=extra, csv=csv_path, scratch=scratch)


def test_every_case_gets_its_required_outcome(graded):
    cases = {c.name: c for c in cases_mod.load_cases(graded["unit"], corpus(graded["unit"]))}
    cgroups = sandbox.Cgroup.create(sandbox.LIMITS)
    if cgroups is not None:
        cgroups.remove()
    wrong = []
    for r in graded["rows"]:
        if r.student == "hostile_limits_child_memory" and cgroups is None:
            continue  # without cgroups the limit is per process: see the README
        if not cases[r.student].outcome_ok(r):
            wrong.append(f"{r.student}: expected {cases[r.student].expect} {cases[r.student].withheld}, got {r.status} "
                         f"{r.score:g}/{r.max_score:g} ({r.reason[:300]})")
    assert not wrong, "\n".join(wrong)


def test_built_submissions_get_their_outcomes_and_one_row_each(graded):
    by = {r.student: r for r in graded["extra"]}
    problems = []
    for student, (status, fragment) in graded["built"].items():
        r = by[student]
        if r.status != status or fragment not in r.reason:
            problems.append(f"{student}: {r.status} {r.score:g}/{r.max_score:g} ({r.reason[:300]}), want {status} with {fragment!r}")
    assert not problems, "\n".join(problems)
    honest = by["honest"]
    assert honest.score == honest.max_score > 0, f"an honest student graded in the same run lost points: {honest.reason}"
    for student in ("special_files", "huge_file", "formula_name"):
        assert by[student].score == by[student].max_score, f"{student}: the complete answers must still get full marks"
    assert [r.student for r in graded["extra"]] == list(graded["built"]) + list(INVALID_IDS)


def test_invalid_ids_are_refused_and_write_nothing(graded):
    course = graded["course"]
    by = {r.student: r for r in graded["extra"]}
    for student in INVALID_IDS:
        assert by[student].status == "failed" and "invalid student id" in by[student].reason
    results = course.root / "results"
    written = {p.resolve() for p in course.root.parent.rglob("*.json")}
    assert all(results in p.parents for p in written), "a journal entry was written outside the course's results folder"
    assert not (course.root.parent / "escaped.json").exists()


def test_the_csv_holds_no_formula(graded):
    with open(graded["csv"], newline="") as f:
        cells = [cell for row in csv.reader(f) for cell in row]
    starts = [c for c in cells if c[:1] in ("=", "+", "-", "@")]
    assert not starts, f"cells a spreadsheet would run: {starts[:3]}"
    assert any(c.startswith("'=HYPERLINK") or "'=HYPERLINK" in c for c in cells), "the formula-named file should be shown, defused"


def test_no_feedback_shows_hidden_tests_or_a_students_script(graded):
    course, unit = graded["course"], graded["unit"]
    secrets = secret_lines(HIDDEN_REGION, unit)
    assert secrets, "the check would be vacuous"
    files = list((course.root / "feedback").rglob("*.html"))
    assert len(files) >= len(graded["rows"]) // 2
    for path in files:
        page = path.read_text()
        text = html.unescape(page)
        leaked = [line for line in secrets if line in text]
        assert not leaked, f"{path.relative_to(course.root)} shows hidden-test lines: {leaked[:2]}"
        assert not STUDENT_SCRIPT.search(page), f"{path.relative_to(course.root)} carries a script of the student's"
        assert path.stat().st_size < FEEDBACK_LIMIT, f"{path.relative_to(course.root)} is {path.stat().st_size} bytes"
    copied = next(r for r in graded["rows"] if r.student == "hostile_leak_copied_line")
    assert "hidden-test text removed" in copied.reason, copied.reason


def test_the_kernel_never_received_test_source(graded):
    """The leak cases printed everything the kernel knew (its input history, the frames above the
    student's function): the feedback shows the notebook's own cells, and no test."""
    course, unit = graded["course"], graded["unit"]
    page = html.unescape((course.root / "feedback" / "hostile_leak_history" / unit / f"{unit}.html").read_text())
    printed = page.split("[printed by your code]", 1)
    assert len(printed) == 2 and "import numpy as np" in printed[1], "the student's printout of the history should be in the feedback"
    assert "BEGIN HIDDEN TESTS" not in page and "assert " not in printed[1].split("</pre>")[0]


def test_nothing_is_left_on_the_graders_disk(graded):
    course = graded["course"]
    fillers = list(course.root.rglob("FILLER_*")) + list(Path("/tmp").glob("FILLER_*")) + list(graded["scratch"].rglob("FILLER_*"))
    if Path("/dev/shm").is_dir():
        fillers += list(Path("/dev/shm").glob("FILLER_*"))
    assert not fillers, f"files written by student code on the grader's disk: {fillers[:3]}"
    left = _leftovers(graded["scratch"])
    assert not left, f"temporary folders left after grading: {left[:3]}"
    autograded = list((course.root / "autograded").rglob("*.ipynb"))
    big = [p for p in autograded if p.stat().st_size > 3 * FEEDBACK_LIMIT]
    assert not big, f"outputs kept beyond the limits: {big[:2]}"
