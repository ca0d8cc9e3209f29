"""The course's nbgrader preprocessors (autograder/preprocessors.py), one notebook at a time."""
import re

import nbformat
import pytest

from autograder.preprocessors import ClearHiddenTestsOfTestCells, SanitizeStudentText, ShortTestErrors, StderrIsNotFailure

HIDDEN = "assert f(1) == 2\n### BEGIN HIDDEN TESTS\nassert f(2) == 3, 'f is off by one'\n### END HIDDEN TESTS"
MARKERS_IN_ANSWER = "def f(x):\n    # ### BEGIN HIDDEN TESTS (pasted from a forum post)\n    return x + 1"


def answer_cell(source, **outputs):
    return nbformat.v4.new_code_cell(source, metadata={"nbgrader": {"solution": True, "grade": False, "grade_id": "f"}},
                                     **outputs)


def graded_cell(source, outputs=()):
    return nbformat.v4.new_code_cell(source, outputs=list(outputs),
                                     metadata={"nbgrader": {"solution": False, "grade": True, "grade_id": "t", "points": 1}})


def written_answer(source):
    return nbformat.v4.new_markdown_cell(source, metadata={"nbgrader": {"solution": True, "grade": True, "grade_id": "w", "points": 3}})


def run(preprocessor, *cells):
    nb = nbformat.v4.new_notebook(cells=list(cells))
    nb, _ = preprocessor.preprocess(nb, {})
    return nb.cells


def error(traceback):
    return nbformat.v4.new_output("error", ename="AssertionError", evalue="f is off by one", traceback=traceback)


def stderr(text):
    return nbformat.v4.new_output("stream", name="stderr", text=text)


# ClearHiddenTestsOfTestCells

def test_hidden_tests_are_removed_from_test_cells():
    (cell,) = run(ClearHiddenTestsOfTestCells(), graded_cell(HIDDEN))
    assert cell.source == "assert f(1) == 2", cell.source


def test_marker_text_in_an_answer_is_left_alone_and_does_not_fail_the_feedback():
    (cell,) = run(ClearHiddenTestsOfTestCells(), answer_cell(MARKERS_IN_ANSWER))
    assert cell.source == MARKERS_IN_ANSWER


def test_plain_nbgrader_would_fail_on_marker_text_in_an_answer():
    """What the subclass is for: nbgrader's own preprocessor refuses the same notebook."""
    from nbgrader.preprocessors import ClearHiddenTests

    with pytest.raises(RuntimeError):
        run(ClearHiddenTests(), answer_cell(MARKERS_IN_ANSWER))


# ShortTestErrors

def test_a_failing_test_shows_its_message_only():
    hidden_line = "    assert f(2) == 3, 'f is off by one'"
    (cell,) = run(ShortTestErrors(), graded_cell("assert f(1) == 2", [error(["Traceback", hidden_line, "AssertionError"])]))
    assert cell.outputs[0].traceback == ["AssertionError: f is off by one"]


def test_errors_outside_test_cells_keep_their_traceback():
    traceback = ["Traceback", "  File <cell>, line 2", "ZeroDivisionError"]
    (cell,) = run(ShortTestErrors(), answer_cell("1 / 0", outputs=[error(traceback)]))
    assert cell.outputs[0].traceback == traceback


# StderrIsNotFailure

def test_stderr_of_a_test_cell_becomes_marked_stdout():
    (cell,) = run(StderrIsNotFailure(), graded_cell("f(1)", [stderr("UserWarning: slow\n")]))
    assert (cell.outputs[0].name, cell.outputs[0].text) == ("stdout", "[stderr] UserWarning: slow\n")


def test_stderr_of_other_cells_is_left_alone():
    (cell,) = run(StderrIsNotFailure(), answer_cell("f(1)", outputs=[stderr("warning\n")]))
    assert (cell.outputs[0].name, cell.outputs[0].text) == ("stderr", "warning\n")


# SanitizeStudentText

SCRIPT = 'Gradients vanish.<script>alert("x")</script> <img src="a.png" onerror="alert(1)">'


def test_a_written_answer_loses_scripts_and_event_handlers():
    (cell,) = run(SanitizeStudentText(), written_answer(SCRIPT))
    assert "Gradients vanish." in cell.source
    assert "<script" not in cell.source and not re.search(r"<[^>]*onerror", cell.source), cell.source


def test_the_instructors_markdown_is_left_as_written():
    text = '<div class="alert">Read this first</div> <script>MathJax.typeset()</script>'
    (cell,) = run(SanitizeStudentText(), nbformat.v4.new_markdown_cell(text))
    assert cell.source == text


def test_a_raw_cell_is_emptied():
    (cell,) = run(SanitizeStudentText(), nbformat.v4.new_raw_cell('<script>alert("x")</script>'))
    assert cell.source == ""


def test_outputs_keep_text_and_images_but_no_javascript_or_live_html():
    output = nbformat.v4.new_output("display_data", data={
        "text/plain": "<figure>", "image/png": "iVBORw0KGgo=", "application/javascript": "alert(1)",
        "text/html": '<b>bold</b><script>alert(1)</script>'})
    (cell,) = run(SanitizeStudentText(), answer_cell("show()", outputs=[output]))
    data = cell.outputs[0].data
    assert set(data) == {"text/plain", "image/png", "text/html"}, sorted(data)
    assert (data["text/plain"], data["image/png"]) == ("<figure>", "iVBORw0KGgo=")
    assert "<b>bold</b>" in data["text/html"] and "<script" not in data["text/html"], data["text/html"]
