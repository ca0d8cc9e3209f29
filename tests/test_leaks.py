"""The hidden-text check of feedback (autograder.leaks), on hand-made notebooks."""
import nbformat
from nbformat.v4 import new_code_cell, new_notebook, new_output

from autograder.leaks import REMOVED, HiddenText


def _test_cell(source):
    return new_code_cell(source, metadata={"nbgrader": {"grade": True, "solution": False, "grade_id": "t", "points": 1, "locked": True}})


SOURCE = new_notebook(cells=[
    new_code_cell("def f(x):\n    ### BEGIN SOLUTION\n    return reference_value_of(x) * 2\n    ### END SOLUTION\n",
                  metadata={"nbgrader": {"solution": True, "grade": False, "grade_id": "f"}}),
    _test_cell('assert f(1) == 2, "visible check of f"\n### BEGIN HIDDEN TESTS\n'
               'assert f(12345) == 24690, "the secret twelve-thousand check"\n'
               'expected = [reference_value_of(k) * 2 for k in range(100)]\n'
               'x = 1\n### END HIDDEN TESTS\n'),
])
RELEASE = new_notebook(cells=[new_code_cell("def f(x):\n    raise NotImplementedError()\n"),
                              _test_cell('assert f(1) == 2, "visible check of f"\n')])


def hidden():
    return HiddenText.of(SOURCE, RELEASE)


def test_long_hidden_lines_are_secret_short_visible_and_solution_lines_are_not():
    h = hidden()
    assert 'assert f(12345) == 24690, "the secret twelve-thousand check"' in h.lines
    assert "x = 1" not in h.lines, "too short to mean anything"
    assert not any("visible check" in line for line in h.lines)


def test_scrub_removes_lines_and_fragments_even_rewrapped():
    h = hidden()
    text = 'before\nassert f(12345) == 24690, "the secret twelve-thousand check"\nafter'
    out, n = h.scrub(text)
    assert n == 1 and "24690" not in out and REMOVED in out and out.startswith("before") and out.endswith("after")
    rewrapped = 'expected = [reference_value_of(k) * 2\n        for k in range(100)]'
    out, n = h.scrub(rewrapped)
    assert n >= 1 and "range(100)" not in out
    assert h.scrub("nothing to see")[1] == 0


def test_scrub_notebook_cleans_outputs_and_student_cells_but_not_test_sources():
    h = hidden()
    secret = 'assert f(12345) == 24690, "the secret twelve-thousand check"'
    nb = new_notebook(cells=[
        new_code_cell(f"# {secret}\ndef f(x):\n    return 2 * x\n", metadata={"nbgrader": {"solution": True, "grade_id": "f"}}),
        _test_cell(SOURCE.cells[1].source),
    ])
    nb.cells[1].outputs = [new_output("stream", name="stdout", text=f"printed: {secret}\n"),
                           new_output("error", ename="AssertionError", evalue=secret, traceback=[secret])]
    assert h.scrub_notebook(nb) == 4
    assert secret not in nb.cells[0].source and "return 2 * x" in nb.cells[0].source
    assert secret in nb.cells[1].source, "the test cell's source is left to ClearHiddenTests"
    assert all(secret not in str(o) for o in nb.cells[1].outputs)


def test_in_html_reads_through_tags_and_entities():
    h = hidden()
    page = '<span class="n">assert</span> f(12345) == 24690, &quot;the secret twelve-thousand check&quot;'
    assert h.in_html(page) == 1
    assert h.in_html("<p>all clear</p>") == 0


def test_a_failing_tests_own_message_reaches_the_student():
    """The message a hidden test fails with is written for the student; the code around it is not."""
    source = new_notebook(cells=[_test_cell(
        '### BEGIN HIDDEN TESTS\n'
        'out = f(secret_input_of_the_hidden_test)\n'
        'assert out == 24690, "f must double every element of its input, including the last one"\n'
        'np.testing.assert_allclose(out, 7, err_msg="the doubled values drift from the exact result")\n'
        'if out != 3:\n'
        '    raise AssertionError(f"f returned {out}: each call must give a new list, not the old one")\n'
        '### END HIDDEN TESTS\n')])
    h = HiddenText.of(source, RELEASE)
    shown = ("AssertionError: f must double every element of its input, including the last one\n"
             "Mismatch: the doubled values drift from the exact result\n"
             "AssertionError: f returned 5: each call must give a new list, not the old one")
    assert h.scrub(shown) == (shown, 0), "a test's failure message was cut from the feedback"
    leak = 'assert out == 24690, "f must double every element of its input, including the last one"'
    assert h.scrub(leak)[1] == 1, "the assert statement itself is hidden-test text"
    assert h.scrub("out = f(secret_input_of_the_hidden_test)")[1] == 1


def test_a_hidden_hints_table_reaches_the_student_but_not_the_code_around_it():
    """Messages kept in a hidden ``HINTS_*`` dict are feedback; a dict of another name is test text."""
    source = new_notebook(cells=[_test_cell(
        '### BEGIN HIDDEN TESTS\n'
        'HINTS_F = {"double": "{what}: f should double every element of its input, the last one too"}\n'
        'EXPECTED_F = {"big": "the expected table of the secret twelve-thousand inputs"}\n'
        'check(f(secret_input_of_the_hidden_test), HINTS_F["double"].format(what="f"))\n'
        '### END HIDDEN TESTS\n')])
    h = HiddenText.of(source, RELEASE)
    shown = "AssertionError: f: f should double every element of its input, the last one too"
    assert h.scrub(shown) == (shown, 0), "a message of a HINTS_ table was cut from the feedback"
    assert h.scrub("the expected table of the secret twelve-thousand inputs")[1] == 1, \
        "the strings of a dict not named HINTS_... are hidden-test text"
    assert h.scrub('check(f(secret_input_of_the_hidden_test), HINTS_F["double"].format(what="f"))')[1] == 1
