"""Due dates, extensions and late penalties (autograder/deadlines.py), and a late class through the
sandboxed pipeline."""
import csv
import os
from datetime import datetime, timedelta

import pytest

from autograder import deadlines
from autograder.cli import grade_cases
from autograder.course import Course
from autograder.hardened import grade_class
from autograder.report import Outcome, write_csv

DAY = 86400


@pytest.mark.parametrize("seconds_late, percent", [
    (0, 0), (15 * 60, 0),                      # within the 15-minute grace period
    (15 * 60 + 1, 10),                          # one second past it: a started day
    (DAY + 15 * 60, 10), (DAY + 15 * 60 + 1, 20),
    (30 * DAY, 50),                             # capped
])
def test_penalty_per_started_day_after_the_grace_period(seconds_late, percent):
    assert deadlines.penalty_percent(seconds_late, grace_minutes=15, percent_per_day=10, max_percent=50) == percent


def test_the_late_policy_takes_its_percent_of_the_score():
    policy = deadlines.LatePolicy(grace_minutes=0, percent_per_day=25, max_percent=100)
    assert policy.late_submission_penalty("s", 8.0, 2 * DAY - 1) == 4.0


POLICY = """
[late]
grace_minutes = 15
percent_per_day = 10
max_percent = 50
"""


def write(root, text):
    root.mkdir(parents=True, exist_ok=True)
    (root / deadlines.FILE).write_text(text)
    return root


def test_deadlines_are_read_in_utc(tmp_path):
    root = write(tmp_path, POLICY + """
[due]
ngram = 2026-10-05T23:59:00+02:00
rnn = 2026-10-12T23:59:00Z

[extensions.ngram]
alice = 3
"b.ob@x" = 0.5
""")
    d = deadlines.load(root)
    assert d.due == {"ngram": datetime(2026, 10, 5, 21, 59), "rnn": datetime(2026, 10, 12, 23, 59)}
    assert d.extensions == {("ngram", "alice"): timedelta(days=3), ("ngram", "b.ob@x"): timedelta(hours=12)}
    assert (d.grace_minutes, d.percent_per_day, d.max_percent) == (15, 10, 50)


def test_no_file_means_no_deadlines(tmp_path):
    assert not deadlines.load(tmp_path)


@pytest.mark.parametrize("text, where", [
    ("[due]\nngram = 2026-10-05T23:59:00\n", "[due] ngram"),                 # no UTC offset
    ("[due]\nngram = \"tomorrow\"\n", "[due] ngram"),
    ("[late]\npercent_per_day = -5\n", "percent_per_day"),
    ("[late]\nmax_percent = 150\n", "max_percent"),
    ("[late]\npenalty = 5\n", "penalty"),
    ("[deadline]\nngram = 1\n", "deadline"),
    ("[due]\nngram = 2026-10-05T23:59:00Z\n[extensions.rnn]\nalice = 2\n", "rnn"),  # no due date to extend
    ("[extensions]\nngram = 2\n", "extensions.ngram"),
    ("[due\n", "deadlines.toml"),
])
def test_a_mistake_in_the_file_says_where(tmp_path, text, where):
    with pytest.raises(deadlines.DeadlineError) as err:
        deadlines.load(write(tmp_path, text))
    assert where in str(err.value), str(err.value)


def test_the_timestamp_replaces_a_link_instead_of_writing_through_it(tmp_path):
    target = tmp_path / "elsewhere.txt"
    target.write_text("keep me")
    folder = tmp_path / "sub"
    folder.mkdir()
    os.symlink(target, folder / deadlines.TIMESTAMP)
    deadlines.write_timestamp(folder, datetime(2026, 10, 6, 1, 2, 3))
    assert target.read_text() == "keep me"
    assert (folder / deadlines.TIMESTAMP).read_text() == "2026-10-06 01:02:03.000000 UTC"


DUE = datetime(2026, 10, 5, 21, 59)  # UTC
SUBMITTED = {  # student: (submitted, what the policy below takes, in percent)
    "on_time": (DUE - timedelta(hours=1), 0),
    "in_grace": (DUE + timedelta(minutes=10), 0),
    "late_1h": (DUE + timedelta(hours=1), 10),
    "late_2d": (DUE + timedelta(days=1, hours=3), 20),
    "extended": (DUE + timedelta(days=2), 0),          # 3 days' extension
    "very_late": (DUE + timedelta(days=20), 50),       # capped
}


@pytest.mark.slow
def test_a_late_class_is_graded_with_its_penalties(tmp_path):
    course = Course(write(tmp_path / "course", POLICY + """
[due]
ngram = 2026-10-05T23:59:00+02:00
[extensions.ngram]
extended = 3
"""))
    [reference] = grade_cases(course, "ngram", ["complete"], workers=1)
    assert reference.status == Outcome.GRADED and reference.score == reference.max_score > 0, reference.reason
    submitted = course.path("submitted", "complete", "ngram")
    for student, (when, _) in SUBMITTED.items():
        folder = course.submit(student, "ngram", {p.name: p for p in submitted.glob("*.ipynb")})
        (folder / deadlines.TIMESTAMP).write_text(when.strftime(deadlines.TIMESTAMP_FORMAT))
    (course.submit("bad_time", "ngram", {p.name: p for p in submitted.glob("*.ipynb")}) / deadlines.TIMESTAMP).write_text("soon")
    rows = {r.student: r for r in grade_class(course.root, "ngram", [*SUBMITTED, "bad_time"], workers=2,
                                              db_url=course.db_url, progress=False)}

    full = reference.max_score
    for student, (_, percent) in SUBMITTED.items():
        row = rows[student]
        assert row.status == Outcome.GRADED, f"{student}: {row.reason}"
        assert (row.score, row.late_penalty) == pytest.approx((full * (1 - percent / 100), full * percent / 100)), \
            f"{student}: {row.score}/{row.max_score}, penalty {row.late_penalty} ({row.reason})"
        assert ("late by" in row.reason) == (student in ("in_grace", "late_1h", "late_2d", "very_late")), f"{student}: {row.reason}"
    assert rows["late_2d"].late_seconds == 27 * 3600
    assert rows["bad_time"].status == Outcome.FAILED and "timestamp.txt" in rows["bad_time"].reason

    page = next(course.path("feedback", "late_2d", "ngram").glob("*.html")).read_text()
    assert "Late submission penalty" in page, "the feedback must show the penalty"
    path = tmp_path / "grades.csv"
    write_csv(list(rows.values()), path)
    exported = {r["student_id"]: r for r in csv.DictReader(path.open())}
    assert (exported["late_2d"]["late_hours"], float(exported["late_2d"]["late_penalty"])) == ("27.00", pytest.approx(full * 0.2))
    assert float(exported["late_2d"]["score"]) == pytest.approx(full * 0.8)
