"""Every example and mistaken submission in autograder/cases/ gets its declared outcome through a
real nbgrader round trip (generate_assignment, autograde with the hidden tests, feedback)."""
import pytest

from autograder import cases as cases_mod
from autograder.cli import grade_cases
from autograder.course import Course, assignments

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("assignment", assignments())
def test_every_case_gets_its_expected_outcome(assignment, tmp_path):
    cases = {c.name: c for c in cases_mod.load_cases(assignment)}
    assert {"complete", "untouched"} <= set(cases), "each assignment needs a complete and an untouched case"
    course = Course(tmp_path / "course")
    rows = grade_cases(course, assignment)
    by_student = {r.student: r for r in rows}
    complete, untouched = by_student["complete"], by_student["untouched"]
    assert complete.max_score > 0 and complete.score == complete.max_score, f"the reference solution lost points: {complete.reason}"
    assert untouched.score == 0, f"the untouched release scored {untouched.score}: {untouched.reason}"
    wrong = [f"{r.student}: expected {r.expected}, got {r.status} {r.score}/{r.max_score} ({r.reason})" for r in rows if r.verdict != "ok"]
    assert not wrong, "\n".join(wrong)
    for r in rows:
        assert r.feedback, f"no feedback written for {r.student}"
        html = (course.root / r.feedback.split(", ")[0]).read_text()
        assert "BEGIN HIDDEN TESTS" not in html, f"feedback for {r.student} shows hidden tests"
    # A passing submission's feedback has no traceback, so no hidden test text may appear in it.
    html = (course.root / complete.feedback.split(", ")[0]).read_text()
    leaked = [line for line in hidden_lines(assignment) if line in html]
    assert not leaked, f"feedback shows hidden test lines: {leaked[:2]}"


def hidden_lines(assignment):
    from test_release import HIDDEN_REGION, SOLUTIONS
    import html as html_mod
    import nbformat

    lines = set()
    for path in (SOLUTIONS / assignment).glob("*.ipynb"):
        for cell in nbformat.read(path, as_version=4).cells:
            for region in HIDDEN_REGION.findall(cell.source):
                lines |= {html_mod.escape(l.strip()) for l in region.splitlines() if len(l.strip()) >= 25}
    return lines
