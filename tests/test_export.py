"""Grades for Canvas, Moodle and one's own analysis (autograder/export.py, course-grade export)."""
import csv

import pytest

from autograder import export
from autograder.cli import grade_cases, main
from autograder.course import Course
from autograder.report import Outcome, Row

ROSTER = """student_id,name,canvas_id,sis_user_id,sis_login_id,section,email
ann,"Lee, Ann",101,S1,ann1,A,ann@uni.edu
bob,"Roe, Bob",102,S2,bob2,A,bob@uni.edu
cy,=cmd(),103,S3,cy3,B,cy@uni.edu
dee,"Poe, Dee",104,S4,dee4,B,dee@uni.edu
"""
GRADES = {
    "ngram": {"ann": Row("ann", "ngram", Outcome.GRADED, 28.8, 32.0, late_penalty=3.2),
              "bob": Row("bob", "ngram", Outcome.REVIEW, 0.0, 32.0, withheld=32.0),
              "cy": Row("cy", "ngram", Outcome.FAILED, 0.0, 32.0)},
    "rnn": {"ann": Row("ann", "rnn", Outcome.GRADED, 54.0, 54.0), "cy": Row("cy", "rnn", Outcome.GRADED, 12.5, 54.0),
            "dee": Row("dee", "rnn", Outcome.GRADED, 40.0, 54.0, manual="explain (3 points)", manual_points=3.0)},
}


def roster(tmp_path, text=ROSTER, **kw):
    path = tmp_path / "roster.csv"
    path.write_text(text)
    return export.read_roster(path, **kw)


def read(path):
    return list(csv.reader(path.open()))


def test_canvas_gets_the_student_columns_points_possible_and_a_score_per_assignment(tmp_path):
    path = tmp_path / "canvas.csv"
    export.write_canvas(roster(tmp_path), GRADES, {"ngram": 32.0, "rnn": 54.0}, path)
    assert read(path) == [
        ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "ngram", "rnn"],
        ["Points Possible", "", "", "", "", "32", "54"],
        ["Lee, Ann", "101", "S1", "ann1", "A", "28.8", "54"],   # after its late penalty
        ["Roe, Bob", "102", "S2", "bob2", "A", "", "0"],        # withheld: blank; no rnn row: 0
        ["'=cmd()", "103", "S3", "cy3", "B", "0", "12.5"],      # a formula is neutralised
        ["Poe, Dee", "104", "S4", "dee4", "B", "0", ""],       # waiting for a manual grade: blank
    ]


def test_moodle_gets_the_email_and_a_score_per_assignment(tmp_path):
    path = tmp_path / "moodle.csv"
    export.write_moodle(roster(tmp_path), GRADES, path)
    assert read(path) == [["Email address", "ngram", "rnn"], ["ann@uni.edu", "28.8", "54"], ["bob@uni.edu", "", "0"],
                          ["cy@uni.edu", "0", "12.5"], ["dee@uni.edu", "0", ""]]


@pytest.mark.parametrize("text, kw, message", [
    ("name,email\nAnn,a@x\n", {}, "student_id"),
    ("student_id,email\nann,\n", {"needs": ("email",)}, "line 2: email is empty"),
    ("student_id,canvas_id,sis_user_id\nann,,\n", {"any_of": ("canvas_id", "sis_user_id")}, "line 2: one of canvas_id"),
])
def test_a_roster_that_cannot_be_used_says_why(tmp_path, text, kw, message):
    with pytest.raises(export.RosterError, match=message):
        roster(tmp_path, text, **kw)


def test_a_roster_saved_by_a_spreadsheet_with_a_byte_order_mark_is_read(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes("\ufeffstudent_id,email\nann,a@x\n".encode("utf-8"))
    assert export.read_roster(path, needs=("email",)) == [{"student_id": "ann", "email": "a@x"}]


@pytest.mark.slow
def test_the_wide_csv_holds_every_tests_points(tmp_path, capsys):
    course = Course(tmp_path / "course")
    complete, partly = grade_cases(course, "ngram", ["complete", "partly_wrong"], workers=2)
    assert main(["export", "ngram", "--course", str(course.root), "--to", "wide"]) == 0
    rows = {r["student_id"]: r for r in csv.DictReader((course.root / "tests-ngram.csv").open())}
    tests = [k for k in rows["complete"] if k.startswith("test_")]
    assert len(tests) >= 10, tests
    for row, graded in ((rows["complete"], complete), (rows["partly_wrong"], partly)):
        assert sum(float(row[t]) for t in tests) == pytest.approx(graded.score), "the tests' points add up to the score"
    assert any(float(rows["partly_wrong"][t]) < float(rows["complete"][t]) for t in tests)
    assert main(["export", "ngram", "--course", str(course.root), "--to", "canvas"]) == 2, "Canvas needs a roster"
    (tmp_path / "roster.csv").write_text("student_id,name,sis_user_id\ncomplete,C,S1\npartly_wrong,P,S2\nabsent,A,S3\n")
    assert main(["export", "ngram", "--course", str(course.root), "--to", "canvas", "--roster", str(tmp_path / "roster.csv")]) == 0
    lines = read(course.root / "canvas-grades.csv")
    assert lines[1][-1] == f"{complete.max_score:g}" and [line[-1] for line in lines[2:]] == [f"{complete.score:g}", f"{partly.score:g}", "0"]
