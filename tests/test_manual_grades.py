"""A manually graded answer (lstm_gru's explain_distance_figure) through the whole pipeline.

The reference is graded: its autograded parts earn full marks, the answer waits for a TA (in
nbgrader's gradebook as needing a grade, in the row and the CSV as "needs manual grade"), and once a
TA's grade is in the gradebook a re-grade counts it and the row no longer waits."""
import csv

import pytest
from nbgrader.api import Gradebook

from autograder.cli import grade_cases
from autograder.course import Course
from autograder.hardened import grade_one
from autograder.report import write_csv

pytestmark = pytest.mark.slow
ASSIGNMENT, CELL = "lstm_gru", "explain_distance_figure"


def manual_grade(course, student):
    with Gradebook(course.db_url) as gb:
        return gb.find_grade(CELL, ASSIGNMENT, ASSIGNMENT, student)


def test_manual_answer_waits_for_a_ta_then_counts(tmp_path):
    course = Course(tmp_path / "course")
    complete, untouched = grade_cases(course, ASSIGNMENT, ["complete", "untouched"], workers=2)

    assert complete.status == "graded" and complete.verdict == "ok", complete.reason
    assert complete.manual == f"{CELL} (3 points)" and complete.manual_points == 3
    assert complete.score == complete.max_score - 3, "the autograded parts of the reference earn full marks"
    assert "needs manual grade: " + CELL in complete.reason
    assert "lost points" not in complete.reason, "a cell waiting for a TA is not a lost point"
    grade = manual_grade(course, "complete")
    assert grade.needs_manual_grade and grade.manual_score is None, "the gradebook must list the answer for the formgrader"
    # an unchanged answer cell is nbgrader's 0, with nothing for a TA to do
    assert untouched.manual == "" and untouched.score == 0

    path = tmp_path / "grades.csv"
    write_csv([complete, untouched], path)
    exported = {r["student_id"]: r for r in csv.DictReader(path.open())}
    assert exported["complete"]["needs_manual_grade"] == f"{CELL} (3 points)"
    assert exported["untouched"]["needs_manual_grade"] == ""

    with Gradebook(course.db_url) as gb:  # what the formgrader does when a TA enters 2 of 3 points
        grade = gb.find_grade(CELL, ASSIGNMENT, ASSIGNMENT, "complete")
        grade.manual_score = 2
        gb.db.commit()
    regraded = grade_one(course.root, ASSIGNMENT, "complete", db_url=course.db_url)
    assert regraded.manual == "" and regraded.manual_points == 0, regraded.reason
    assert regraded.score == complete.max_score - 1, f"the TA's 2 points must count after a re-grade: {regraded.score}"
    assert manual_grade(course, "complete").manual_score == 2, "a re-grade must keep the TA's grade"
