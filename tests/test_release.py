"""exercises/ is exactly what nbgrader generates from solutions/, and gives nothing away."""
import nbformat
import pytest

from autograder.cli import compare_trees
from autograder.course import EXERCISES, SOLUTIONS, assignments, generate_release
from autograder.edition import HIDDEN_REGION, SOLUTION_REGION, secret_lines


@pytest.fixture(scope="module")
def fresh_release(tmp_path_factory):
    return generate_release(tmp_path_factory.mktemp("course"))


def test_there_are_assignments():
    assert "ngram" in assignments()


def test_committed_exercises_match_a_fresh_release(fresh_release):
    stale = compare_trees(fresh_release, EXERCISES)
    assert not stale, f"exercises/ is out of date, run `python -m autograder release`: {stale}"


@pytest.mark.parametrize("regex,what", [(SOLUTION_REGION, "solution code"), (HIDDEN_REGION, "hidden test")])
def test_release_contains_no_solution_or_hidden_test_text(regex, what):
    secrets = secret_lines(regex)
    assert secrets, f"found no {what} in solutions/: the check would be vacuous"
    for path in EXERCISES.glob("*/*.ipynb"):
        text = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells)
        assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text, f"{path} still has markers"
        leaked = [line for line in secrets if line in text]
        assert not leaked, f"{path} contains {what}: {leaked[:3]}"


def test_the_hidden_tests_failure_messages_stay_hidden():
    """A hidden test's table of messages (a HINTS_* dict, see autograder.leaks.failure_messages)
    says what the hidden tests check: it belongs in the hidden region, not in the release."""
    tables = [path for path in SOLUTIONS.glob("*/*.ipynb") if "HINTS_" in path.read_text()]
    assert tables, "no HINTS_ table in solutions/: the check would be vacuous"
    for path in EXERCISES.glob("*/*.ipynb"):
        visible = [c.source for c in nbformat.read(path, as_version=4).cells if "HINTS_" in c.source]
        assert not visible, f"{path} shows a HINTS_ table of hidden-test messages: move it below ### BEGIN HIDDEN TESTS"


def test_notebooks_are_stored_clean():
    for path in list(EXERCISES.glob("*/*.ipynb")) + list(SOLUTIONS.glob("*/*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert cell.execution_count is None, f"{path}: execution counts must be reset"
                assert not cell.outputs, f"{path}: outputs must be stripped"
        assert set(nb.metadata) <= {"kernelspec", "language_info"}, f"{path}: stray notebook metadata"
