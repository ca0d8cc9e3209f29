"""The feedback exporter renders nbgrader's feedback template as nbconvert's HTMLExporter does,
without its BeautifulSoup re-parse (see autograder/feedback.py)."""
import base64
import os

import bs4
import nbformat
import nbgrader
from nbconvert import HTMLExporter
from traitlets.config import Config

from autograder.feedback import ALT_TEXT, FeedbackExporter

PNG = base64.b64encode(bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082")).decode()


def feedback_config():
    base = os.path.join(os.path.dirname(nbgrader.__file__), "server_extensions", "formgrader")
    c = Config()
    c.HTMLExporter.template_name = "feedback"
    c.HTMLExporter.extra_template_basedirs = [os.path.join(base, "templates")]
    c.HTMLExporter.extra_template_paths = [os.path.join(base, "static", "node_modules", "bootstrap", "dist", "css")]
    return c


def graded_notebook():
    nb = nbformat.v4.new_notebook(metadata={"language_info": {"name": "python"}})
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Title\nSome *text* and $x^2$."),
        nbformat.v4.new_code_cell("def f(x):\n    return x + 1  # <b>not bold</b>",
                                  metadata={"nbgrader": {"solution": True, "grade_id": "f", "grade": False, "score": 0.0, "points": 0.0}}),
        nbformat.v4.new_code_cell("assert f(1) == 2, 'f is wrong'",
                                  metadata={"nbgrader": {"grade": True, "grade_id": "t", "points": 2, "score": 2.0}},
                                  outputs=[nbformat.v4.new_output("display_data", data={"image/png": PNG}),
                                           nbformat.v4.new_output("error", ename="AssertionError", evalue="f is wrong", traceback=[])]),
    ]
    for i, cell in enumerate(nb.cells):
        cell.id = f"cell-{i}"
    return nb


def resources():
    return {"nbgrader": {"notebook": "nb", "score": 2.0, "max_score": 2.0, "student": "s", "assignment": "a",
                         "late_penalty": 0, "timestamp": "2026-01-01", "id": "s"}}


def test_same_page_as_nbconverts_html_exporter():
    """Same text and the same tags, in the same order, as nbconvert's exporter gives."""
    ours, _ = FeedbackExporter(config=feedback_config()).from_notebook_node(graded_notebook(), resources=resources())
    theirs, _ = HTMLExporter(config=feedback_config()).from_notebook_node(graded_notebook(), resources=resources())
    a, b = bs4.BeautifulSoup(ours, "html.parser"), bs4.BeautifulSoup(theirs, "html.parser")
    assert a.get_text() == b.get_text()
    assert [t.name for t in a.find_all()] == [t.name for t in b.find_all()]
    assert "&lt;b&gt;not bold&lt;/b&gt;" in ours, "code must stay escaped"


def test_images_get_alt_text_and_existing_alt_is_kept():
    ours, _ = FeedbackExporter(config=feedback_config()).from_notebook_node(graded_notebook(), resources=resources())
    imgs = bs4.BeautifulSoup(ours, "html.parser").find_all("img")
    assert imgs and all(img.get("alt") == ALT_TEXT for img in imgs)
    nb = graded_notebook()
    nb.cells.append(nbformat.v4.new_markdown_cell('<img src="x.png" alt="a plot">'))
    ours, _ = FeedbackExporter(config=feedback_config()).from_notebook_node(nb, resources=resources())
    alts = [img.get("alt") for img in bs4.BeautifulSoup(ours, "html.parser").find_all("img")]
    assert "a plot" in alts and alts.count(ALT_TEXT) == len(alts) - 1


def test_second_exporter_reuses_compiled_templates():
    """A new exporter (nbgrader makes one per student) renders the same page from the cache."""
    first, _ = FeedbackExporter(config=feedback_config()).from_notebook_node(graded_notebook(), resources=resources())
    second, _ = FeedbackExporter(config=feedback_config()).from_notebook_node(graded_notebook(), resources=resources())
    assert first == second
    from autograder import feedback
    assert feedback._TEMPLATES._store, "compiled templates were not kept"


def test_highlighted_cells_are_reused_only_for_the_same_source():
    """A cell's highlighted source is computed once per process and reused only for identical code."""
    from autograder import feedback

    feedback._HIGHLIGHTED.clear()
    render = lambda nb: FeedbackExporter(config=feedback_config()).from_notebook_node(nb, resources=resources())[0]
    first = render(graded_notebook())
    assert len(feedback._HIGHLIGHTED) == 2, "one entry per distinct code cell"
    assert render(graded_notebook()) == first
    assert len(feedback._HIGHLIGHTED) == 2, "the second student's identical cells come from the cache"
    nb = graded_notebook()
    nb.cells[1].source = "def f(x):\n    return x - 1  # changed"
    changed = render(nb)
    assert len(feedback._HIGHLIGHTED) == 3 and "changed" in changed and "not bold" not in changed
