"""Every example and mistaken submission in autograder/cases/ gets its declared outcome through a
real nbgrader round trip (generate_assignment, autograde with the hidden tests, feedback), graded by
the hardened path with the sandbox on. The hostile and broken corpus has its own test
(test_hostile.py)."""
import pytest

from autograder import cases as cases_mod
from autograder.cli import grade_cases
from autograder.course import Course, assignments
from autograder.report import STEPS

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("assignment", assignments())
def test_every_case_gets_its_expected_outcome(assignment, tmp_path):
    cases = {c.name: c for c in cases_mod.load_cases(assignment) if not c.name.startswith(("hostile_", "broken_"))}
    assert {"complete", "untouched"} <= set(cases), "each assignment needs a complete and an untouched case"
    course = Course(tmp_path / "course")
    rows = grade_cases(course, assignment, sorted(cases), workers=2)
    by_student = {r.student: r for r in rows}
    complete, untouched = by_student["complete"], by_student["untouched"]
    # answers graded by hand wait for a TA (tests/test_manual_grades.py); the rest earns full marks
    assert complete.max_score > 0 and complete.score == complete.max_score - complete.manual_points, \
        f"the reference solution lost points: {complete.reason}"
    assert untouched.score == 0, f"the untouched release scored {untouched.score}: {untouched.reason}"
    wrong = [f"{r.student}: expected {r.expected}, got {r.status} {r.score}/{r.max_score} ({r.reason})" for r in rows if r.verdict != "ok"]
    assert not wrong, "\n".join(wrong)
    secrets = hidden_lines(assignment)
    for r in rows:
        assert r.feedback, f"no feedback written for {r.student}"
        html = (course.root / r.feedback.split(", ")[0]).read_text()
        assert "BEGIN HIDDEN TESTS" not in html, f"feedback for {r.student} shows hidden tests"
        leaked = [line for line in secrets if line in html]
        assert not leaked, f"feedback for {r.student} shows hidden test lines: {leaked[:2]}"
    failing = (course.root / by_student["untouched"].feedback.split(", ")[0]).read_text()
    assert "NotImplementedError" in failing, "feedback must still say why a test failed"
    steps = complete.steps
    assert set(steps) == set(STEPS), f"every step of a scored submission is timed: {sorted(steps)}"
    assert steps["cells"] > 0 and steps["kernel_start"] > 0, steps
    assert abs(sum(steps.values()) - complete.seconds) < 0.5 + 0.1 * complete.seconds, \
        f"the steps must account for the submission's time ({complete.seconds:.2f} s): {steps}"


def hidden_lines(assignment):
    """Lines found only in hidden tests, HTML-escaped as they would appear in feedback."""
    import html

    from autograder.edition import HIDDEN_REGION, secret_lines

    return {html.escape(line, quote=False) for line in secret_lines(HIDDEN_REGION, assignment)}
