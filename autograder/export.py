"""Grades for other tools: Canvas's and Moodle's grade import files, and a wide CSV of every test.

The LMS files hold one row per student of a roster and one column per assignment, with the score
of the grades CSV (late penalties and review decisions applied). A score still withheld for review,
or still waiting for a manual grade, is left blank, so an import changes nothing there until a TA
decides (a student never sees the autograded part of a grade as if it were the whole); a failed or
missing submission is 0.

A roster is a CSV file with a header row: ``student_id`` (the id the submissions are filed
under) and, as the LMS needs them, ``name``, ``canvas_id``, ``sis_user_id``, ``sis_login_id``,
``section`` (Canvas) and ``email`` (Moodle).
"""
import csv

from autograder.report import Outcome, cell

CANVAS_HEAD = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
_CANVAS_FIELDS = ["name", "canvas_id", "sis_user_id", "sis_login_id", "section"]


class RosterError(ValueError):
    """The roster file cannot be used; the message says why."""


def read_roster(path, needs=(), any_of=()):
    """The roster's rows, as dicts, in file order; ``needs``: columns that must be there and filled;
    ``any_of``: columns of which each row must fill one."""
    with open(path, newline="", encoding="utf-8-sig") as f:  # a spreadsheet's export may start with a BOM
        rows = list(csv.DictReader(f))
    columns = set(rows[0]) if rows else set()
    missing = [c for c in ("student_id", *needs) if c not in columns]
    if missing:
        raise RosterError(f"{path}: no column {', '.join(missing)} (the header row names the columns)")
    for i, row in enumerate(rows, start=2):
        empty = [c for c in ("student_id", *needs) if not (row.get(c) or "").strip()]
        if empty:
            raise RosterError(f"{path}, line {i}: {', '.join(empty)} is empty")
        if any_of and not any((row.get(c) or "").strip() for c in any_of):
            raise RosterError(f"{path}, line {i}: one of {', '.join(any_of)} is needed to find the student in the LMS")
    return rows


def lms_score(row):
    """What an LMS gets for a row: blank while the score is withheld or incomplete, else the score."""
    if row is None or row.status in (Outcome.FAILED, Outcome.MISSING):
        return "0"
    return "" if row.status == Outcome.REVIEW or row.manual else f"{row.score:g}"


def write_canvas(roster, grades, max_scores, path):
    """Canvas's gradebook import: the student columns, a "Points Possible" row, a column per
    assignment. ``grades``: {assignment: {student_id: Row}}; ``max_scores``: {assignment: points}."""
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(CANVAS_HEAD + list(grades))
        w.writerow(["Points Possible", "", "", "", ""] + [f"{max_scores[a]:g}" for a in grades])
        for person in roster:
            w.writerow([cell(person.get(k, "")) for k in _CANVAS_FIELDS] +
                       [lms_score(by_student.get(person["student_id"])) for by_student in grades.values()])


def write_moodle(roster, grades, path):
    """Moodle's grade import (CSV): the email address that identifies the user, a column per
    assignment, mapped to grade items when importing."""
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Email address"] + list(grades))
        for person in roster:
            w.writerow([cell(person["email"])] + [lms_score(by_student.get(person["student_id"])) for by_student in grades.values()])


def write_wide(rows, per_test, path):
    """One row per student, a column per graded cell (points earned), for one's own analysis.
    ``per_test``: {student: {grade_id: points}} (absent: the submission was not scored)."""
    tests = sorted({t for scores in per_test.values() for t in scores})
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["student_id", "assignment", "status", "score", "max_score"] + tests)
        for r in rows:
            scores = per_test.get(r.student, {})
            w.writerow([cell(r.student), cell(r.assignment), cell(r.status), f"{r.score:g}", f"{r.max_score:g}"] +
                       [f"{scores[t]:g}" if scores.get(t) is not None else "" for t in tests])
