"""Grading results: one row per student and assignment, printed as a table and written as CSV."""
import csv
import statistics
from dataclasses import dataclass, field
from enum import StrEnum


class Outcome(StrEnum):
    """What became of one submission."""
    GRADED = "graded"  # scored; the score counts
    REVIEW = "review"  # scored, but the score is withheld (exported as 0) until a TA has looked
    FAILED = "failed"  # could not be graded (timeout, crash, refused files, a grader error): 0, with a reason
    MISSING = "missing"  # nothing to grade


@dataclass
class Row:
    student: str
    assignment: str
    status: Outcome
    score: float = 0.0
    max_score: float = 0.0
    reason: str = ""
    seconds: float = 0.0
    feedback: str = ""
    isolation: str = ""  # sandbox | none
    manual: str = ""  # answers waiting for a TA's grade: "grade_id (3 points), ..."; their points are not in score
    manual_points: float = 0.0  # how many of max_score those answers are worth
    late_seconds: float = 0.0  # after the due date and any extension (deadlines.toml)
    late_penalty: float = 0.0  # points lateness took; score is after it
    withheld: float = 0.0  # with review: the score withheld until a TA decides (autograder.reviews)
    expected: str = ""  # only for example cases: full | less | zero | review | failed
    verdict: str = ""  # only for example cases: ok | WRONG
    steps: dict = field(default_factory=dict)  # seconds of each grading step (STEPS), in the journal only

    def __post_init__(self):
        self.status = Outcome(self.status)  # a journal read back holds the plain string

    @property
    def percent(self):
        return 100.0 * self.score / self.max_score if self.max_score else 0.0


def cell(value):
    """A CSV cell a spreadsheet shows as text: one starting like a formula (= + - @, tab, CR) gets a
    leading apostrophe, and control characters become spaces."""
    text = "".join(c if c.isprintable() or c == " " else " " for c in str(value))
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def write_csv(rows, path):
    """CSV an LMS can import: one row per student with score, maximum, percent, outcome, reason and
    the isolation the submission was graded under. A score withheld for review is exported as 0;
    ``needs_manual_grade`` names the answers a TA has still to grade (the score does not hold them yet);
    ``late_hours`` is the lateness after any extension and ``late_penalty`` the points it took from
    ``score``."""
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["student_id", "assignment", "score", "max_score", "percent", "status", "needs_manual_grade",
                    "reason", "isolation", "late_hours", "late_penalty"])
        for r in rows:
            w.writerow([cell(r.student), cell(r.assignment), f"{r.score:g}", f"{r.max_score:g}", f"{r.percent:.1f}",
                        cell(r.status), cell(r.manual), cell(r.reason), cell(r.isolation),
                        f"{r.late_seconds / 3600:.2f}", f"{r.late_penalty:g}"])


def format_table(rows):
    """A fixed-width table a person can read, one line per row, with a summary line."""
    show_expect = any(r.expected for r in rows)
    head = ["student", "assignment", "status", "score", "time"] + (["expected", "verdict"] if show_expect else []) + ["note"]
    body = []
    for r in rows:
        line = [r.student, r.assignment, r.status, f"{r.score:g}/{r.max_score:g}", f"{r.seconds:.1f}s"]
        if show_expect:
            line += [r.expected, r.verdict]
        line.append(r.reason[:70])
        body.append(line)
    widths = [max(len(str(x)) for x in col) for col in zip(head, *body)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    lines = [fmt.format(*head), fmt.format(*("-" * w for w in widths))]
    lines += [fmt.format(*line) for line in body]
    counts = {s: sum(r.status == s for r in rows) for s in Outcome}
    summary = f"{len(rows)} submissions: " + ", ".join(f"{n} {s}" for s, n in counts.items())
    graded = [r for r in rows if r.status == Outcome.GRADED and r.max_score]
    if graded:
        summary += f"; mean score {sum(r.percent for r in graded) / len(graded):.1f}% of graded"
    waiting = sum(bool(r.manual) for r in rows if r.status in (Outcome.GRADED, Outcome.REVIEW))
    if waiting:
        summary += f"; {waiting} need a manual grade"
    late = sum(r.late_seconds > 0 for r in rows)
    if late:
        summary += f"; {late} late ({sum(r.late_penalty > 0 for r in rows)} with a penalty)"
    isolations = sorted({r.isolation for r in rows if r.status != Outcome.MISSING and r.isolation})
    if isolations:
        summary += f"; isolation: {', '.join(isolations)}"
    if show_expect:
        wrong = [r.student for r in rows if r.verdict != "ok"]
        summary += "; every case got its expected outcome" if not wrong else f"; UNEXPECTED: {', '.join(wrong)}"
    return "\n".join(lines + ["", summary] + ([step_times(rows)] if any(r.steps for r in rows) else []))


# the steps of grading one submission (autograder.hardened), with the parts of nbgrader's autograde
STEPS = {"read": "read", "canonicalise": "canonicalise", "scan": "scan", "kernel_start": "kernel start",
         "cells": "notebook (the student's cells and the tests)", "nbgrader": "nbgrader's other steps",
         "score": "score", "feedback": "feedback"}


def step_times(rows):
    """One line: the median seconds of each step over the rows that went through it."""
    parts = []
    for key, name in STEPS.items():
        times = [r.steps[key] for r in rows if key in r.steps]
        if times:
            parts.append(f"{name} {statistics.median(times):.2f}")
    return "median seconds per submission: " + ", ".join(parts)

