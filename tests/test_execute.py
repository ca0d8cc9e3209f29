"""What the grader keeps of a kernel's outputs (autograder.execute.OutputBudget) and how it plans
the trusted run of a notebook (autograder.trusted.GradingPlan), without starting a kernel."""
import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from autograder.execute import OutputBudget
from autograder.trusted import GradingPlan, defined_names, used_names


def budget(cell=100, notebook=1000, image=60):
    return OutputBudget(cell, notebook, image)


def test_text_is_cut_in_bytes_per_cell_and_marked():
    b = budget()
    first = b.admit(new_output("stream", name="stdout", text="é" * 80), 0)  # 160 bytes of UTF-8
    assert len(first.text.encode()) <= 100 and 0 in b.cut
    assert b.admit(new_output("stream", name="stdout", text="more"), 0) is None, "over the cell's budget: dropped"
    assert b.admit(new_output("stream", name="stdout", text="other cell"), 1).text == "other cell"
    assert "100 bytes" in b.marker(0).text


def test_errors_are_never_dropped_only_cut():
    b = budget()
    b.admit(new_output("stream", name="stdout", text="x" * 500), 0)
    err = b.admit(new_output("error", ename="AssertionError", evalue="y" * 5000, traceback=["t"] * 100), 0)
    assert err is not None and err.ename == "AssertionError" and len(err.evalue) < 2100 and len(err.traceback) == 30


def test_the_notebook_as_a_whole_is_capped():
    b = budget(cell=100, notebook=250)
    for i in range(5):
        b.admit(new_output("stream", name="stdout", text="z" * 100), i)
    assert b.total <= 250 and {3, 4} <= b.cut


def test_only_plain_text_and_valid_images_are_kept():
    b = budget()
    out = b.admit(new_output("display_data", data={"text/html": "<script>x()</script>", "application/javascript": "x()",
                                                    "image/svg+xml": "<svg/>", "text/markdown": "<b>", "text/plain": "summary"}), 0)
    assert out.data == {"text/plain": "summary"}
    assert b.admit(new_output("display_data", data={"image/png": 'AAAA"><script>'}), 1) is None, "not base64: dropped"
    png = b.admit(new_output("display_data", data={"image/png": "iVBORw0KGgo="},
                             metadata={"image/png": {"width": 10, "onload": "x()"}}), 2)
    assert png.data == {"image/png": "iVBORw0KGgo="} and png.metadata == {"image/png": {"width": 10}}
    assert b.admit(new_output("display_data", data={"image/png": "A" * 64}), 3) is None, "over the image limit"


def test_stream_names_are_stdout_or_stderr():
    weird = nbformat.from_dict({"output_type": "stream", "name": 'x" onload="y', "text": "t"})
    assert budget().admit(weird, 0).name == "stdout"


def _cell(kind, gid, source, **extra):
    meta = {"grade_id": gid, "locked": kind != "answer", "solution": kind == "answer", "grade": kind == "test",
            "schema_version": 3, "task": False}
    if kind == "test":
        meta["points"] = 1
    return new_code_cell(source, metadata={"nbgrader": meta, **extra})


def test_plan_gives_each_cell_its_role():
    nb = new_notebook(cells=[
        new_markdown_cell("# intro"),
        _cell("locked", "imports", "import math\nfrom collections import Counter\n"),
        _cell("locked", "data", "TOY = [1, 2]\nBIG = list(range(10))\n"),
        _cell("locked", "expensive", "TRAINED = sum(i * i for i in range(10**6))\n"),
        _cell("answer", "f", "def f(x):\n    ### BEGIN SOLUTION\n    return helper(x)\n    ### END SOLUTION\n\ndef helper(x):\n    return x\n"),
        _cell("locked", "uses_f", "F_OF_TOY = [f(t) for t in TOY]\n"),
        _cell("test", "test_f", "assert f(2) == 2\nassert math.isclose(F_OF_TOY[0], 1)\nassert Counter(TOY)\n"),
        _cell("test", "test_partial", "score = 0.5\nscore\n", lmcourse={"partial_credit": True}),
        _cell("locked", "after", "TRAINED2 = TRAINED + 1\n"),
    ])
    plan = GradingPlan.from_source(nb)
    kinds = {gid: role.kind for gid, role in plan.roles.items()}
    assert kinds == {"imports": "fixture", "data": "fixture", "expensive": "kernel", "f": "answer", "uses_f": "fixture",
                     "test_f": "test", "test_partial": "test", "after": "kernel"}
    assert plan.roles["f"].names == ("f", "helper")
    assert plan.roles["uses_f"].calls_kernel and not plan.roles["data"].calls_kernel
    assert plan.roles["test_partial"].partial_credit and not plan.roles["test_f"].partial_credit
    assert plan.role(new_code_cell("print('a cell the student added')")).kind == "kernel"


def test_names_bound_and_used():
    assert defined_names("import numpy as np\nx, (y, z) = 1, (2, 3)\ndef f():\n    inner = 1\n%matplotlib inline\n") == {"np", "x", "y", "z", "f"}
    assert used_names("def g(a):\n    return a + TOY + len(a)\nprint(g(BIG))\n") == {"TOY", "BIG"}


def test_no_notebook_cell_needs_a_name_only_a_test_cell_defines():
    """The kernel no longer runs test cells: a locked or answer cell that used a name a test cell
    defines would fail there."""
    from autograder.course import SOLUTIONS, assignments
    from autograder.trusted import is_test_cell

    for assignment in assignments():
        for path in (SOLUTIONS / assignment).glob("*.ipynb"):
            kernel, only_tests = set(), {}
            for cell in nbformat.read(path, as_version=4).cells:
                if cell.cell_type != "code":
                    continue
                if is_test_cell(cell):
                    only_tests.update({n: cell.metadata["nbgrader"]["grade_id"] for n in defined_names(cell.source) - kernel})
                    continue
                needs = {n: only_tests[n] for n in used_names(cell.source) if n in only_tests and n not in kernel}
                assert not needs, f"{path.name}: {cell.metadata['nbgrader'].get('grade_id')} uses names only test cells define: {needs}"
                kernel |= defined_names(cell.source)
