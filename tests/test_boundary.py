"""The process boundary is what decides: the same hostile submissions, graded once with the tests
in the student's kernel (as plain nbgrader runs them) and once with the tests in the grader's
process (the default). In the kernel they earn points they do not deserve; across the boundary
they get exactly what their answers are worth, with no help from the static scan."""
import pytest

from autograder import cases as cases_mod
from autograder import sandbox
from autograder.course import SOLUTIONS, Course
from autograder.hardened import grade_class

pytestmark = pytest.mark.slow

UNIT = "rnn"
# blank answers plus a trick the scan does not see: an input transformer that turns every later
# cell into `pass`, a fake score pushed through the display hook before raising
CASES = ("hostile_scan_attrgetter", "hostile_partial_displayhook")


@pytest.mark.parametrize("tests_in_kernel", [True, False], ids=["tests in the kernel", "tests in the grader"])
def test_only_the_boundary_grades_tricks_by_their_answers(tests_in_kernel, tmp_path):
    ok, reason = sandbox.available()
    if not ok:
        pytest.skip(reason)
    course = Course(tmp_path / "course", tests_in_kernel=tests_in_kernel)
    release = course.generate(UNIT)
    for case in cases_mod.load_cases(UNIT, CASES):
        course.submit(case.name, UNIT, cases_mod.build_submission(case, SOLUTIONS / UNIT, release))
    rows = {r.student: r for r in grade_class(course.root, UNIT, list(CASES), workers=2, db_url=course.db_url,
                                              progress=False, tests_in_kernel=tests_in_kernel)}
    for name in CASES:
        row = rows[name]
        assert row.status == "graded", f"{name}: the scan should not see this trick ({row.reason})"
        if tests_in_kernel:
            assert row.score > 0, f"{name}: in the kernel this trick used to earn points; got {row.score}"
        else:
            assert row.score == 0, f"{name}: blank answers earned {row.score} across the boundary"
