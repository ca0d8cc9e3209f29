"""Fast unit tests of the hardened grading path (autograder.hardened, .tamper, .sandbox).

Nothing here starts a kernel: canonicalize and the static scan work on hand-built notebooks, the
sandbox test only inspects the command line, and the journal and outcome tests use submissions
that are decided before any code would run (missing, empty, not a notebook).
"""
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from autograder import cases as cases_mod
from autograder import hardened, sandbox, tamper
from autograder.course import SOLUTIONS, assignments
from autograder.report import Outcome, Row


# --- hand-built notebooks ----------------------------------------------------------------------

def _meta(grade_id, solution=False, grade=False, points=None, locked=None):
    meta = {"grade": grade, "grade_id": grade_id, "locked": (not solution) if locked is None else locked,
            "schema_version": 3, "solution": solution, "task": False}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def md(grade_id, text):
    return new_markdown_cell(text, metadata=_meta(grade_id))


def locked(grade_id, source):
    return new_code_cell(source, metadata=_meta(grade_id))


def answer(grade_id, source):
    return new_code_cell(source, metadata=_meta(grade_id, solution=True))


def graded_cell(grade_id, source, points):
    return new_code_cell(source, metadata=_meta(grade_id, grade=True, points=points))


STUB = "def {}(x):\n    raise NotImplementedError()\n"


def release_nb():
    return new_notebook(cells=[
        md("intro", "# Squares and cubes"),
        locked("helpers", "import math\nDATA = [1, 2, 3]\n"),
        answer("square", STUB.format("square")),
        graded_cell("test_square", "assert square(3) == 9, 'square(3) is 9'\n", 2),
        answer("cube", STUB.format("cube")),
        graded_cell("test_cube", "assert cube(2) == 8, 'cube(2) is 8'\n", 3),
    ])


SQUARE = "def square(x):\n    return x * x\n"
CUBE = "def cube(x):\n    return x ** 3\n"


def student_nb():
    nb = release_nb()
    nb.cells[2].source, nb.cells[4].source = SQUARE, CUBE
    return nb


def _ids(nb):
    return [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells]


def _points(nb):
    return {c.metadata["nbgrader"]["grade_id"]: c.metadata["nbgrader"].get("points")
            for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")}


def assert_release_structure(canonical, release):
    """Every release cell, in order, with the release's metadata; answer cells may differ in source only."""
    kept = [c for c in canonical.cells if c.metadata.get("nbgrader")]
    assert len(kept) == len(release.cells)
    for got, want in zip(kept, release.cells):
        assert got.cell_type == want.cell_type
        assert got.metadata["nbgrader"] == want.metadata["nbgrader"]
        if not want.metadata["nbgrader"]["solution"]:
            assert got.source == want.source, f"{want.metadata['nbgrader']['grade_id']} was not restored"


# --- canonicalize --------------------------------------------------------------------------------

def test_canonicalize_keeps_answers_and_release_cells():
    canonical, notes, code = hardened.canonicalize(release_nb(), student_nb())
    assert_release_structure(canonical, release_nb())
    assert [c.source for c in canonical.cells if c.metadata["nbgrader"]["solution"]] == [SQUARE, CUBE]
    assert notes == []
    assert code == [("square", SQUARE), ("cube", CUBE)]


def test_canonicalize_duplicated_answer_and_test_cells():
    nb = student_nb()
    second = answer("square", "def square(x):\n    return 0\n")
    nb.cells[3:3] = [second, graded_cell("test_square", "assert True\n", 2)]
    nb.cells.append(graded_cell("test_cube", "assert True\n", 3))
    canonical, notes, code = hardened.canonicalize(release_nb(), nb)
    assert_release_structure(canonical, release_nb())
    assert len(canonical.cells) == len(release_nb().cells), "duplicates must not add cells"
    assert canonical.cells[2].source == SQUARE, "the first copy of a duplicated answer is graded"
    assert any("square" in n and "more than once" in n for n in notes)
    assert ("square", second.source) not in code


def test_canonicalize_restores_deleted_and_edited_test_cells():
    nb = student_nb()
    nb.cells[2].source = "def square(x):\n    return 0\n"
    nb.cells[3].source = "assert True\n"          # edited test cell
    del nb.cells[5]                               # deleted test cell
    canonical, _, _ = hardened.canonicalize(release_nb(), nb)
    assert_release_structure(canonical, release_nb())
    assert canonical.cells[3].source == release_nb().cells[3].source
    assert _points(canonical) == {"test_square": 2, "test_cube": 3}


def test_canonicalize_reordered_cells():
    nb = student_nb()
    rng = random.Random(0)
    for _ in range(5):
        rng.shuffle(nb.cells)
        canonical, _, _ = hardened.canonicalize(release_nb(), nb)
        assert _ids(canonical) == _ids(release_nb())
        assert canonical.cells[2].source == SQUARE and canonical.cells[4].source == CUBE


def test_canonicalize_ignores_changed_points_and_grade_ids():
    nb = student_nb()
    nb.cells[3].metadata["nbgrader"]["points"] = 100            # more points for a test
    nb.cells[5].metadata["nbgrader"]["grade_id"] = "test_mine"  # a renamed test: the release one comes back
    nb.cells[5].source = "assert True\n"
    nb.cells[2].metadata["nbgrader"].update(grade=True, points=50)  # an answer cell turned into a graded cell
    nb.metadata["nbgrader"] = {"total_points": 1000}
    canonical, _, code = hardened.canonicalize(release_nb(), nb)
    assert_release_structure(canonical, release_nb())
    assert _points(canonical) == {"test_square": 2, "test_cube": 3}
    assert sum(_points(canonical).values()) == 5
    assert canonical.metadata == release_nb().metadata
    extra = [c for c in canonical.cells if not c.metadata.get("nbgrader")]
    assert all(not c.metadata.get("nbgrader") for c in extra), "a student cell never carries grading metadata"
    assert all(source != "assert True\n" for _, source in code), "a renamed release cell is restored, not kept as student code"


def test_canonicalize_keeps_added_student_cells_after_their_anchor():
    nb = student_nb()
    nb.cells.insert(0, new_code_cell("import numpy as np\n"))            # before any release cell
    nb.cells.insert(4, new_code_cell("print(square(4))\n"))              # right after the square answer
    nb.cells.insert(4, new_markdown_cell("my notes"))                     # markdown is not carried
    nb.cells.append(new_code_cell("   \n"))                               # empty cells are not carried
    nb.cells.append(new_code_cell("CHECK = cube(3)\n"))
    canonical, _, code = hardened.canonicalize(release_nb(), nb)
    assert_release_structure(canonical, release_nb())
    sources = [c.source for c in canonical.cells]
    ids = _ids(canonical)
    assert sources[0] == "import numpy as np\n" and ids[1] == "intro"
    # the student's print follows the cell it followed in the submission
    assert sources.index("print(square(4))\n") == ids.index("square") + 1
    assert sources[-1] == "CHECK = cube(3)\n" and ids[-2] == "test_cube"
    assert "my notes" not in sources and "   \n" not in sources
    assert (None, "print(square(4))\n") in code and (None, "import numpy as np\n") in code


def test_canonicalize_missing_answer_cell_is_graded_as_unanswered():
    nb = student_nb()
    del nb.cells[4]
    canonical, notes, _ = hardened.canonicalize(release_nb(), nb)
    assert canonical.cells[4].source == STUB.format("cube")
    assert any("cube" in n for n in notes)


# --- the static scan ------------------------------------------------------------------------------

PROTECTED = {"math", "Counter", "TOY_BIGRAMS", "np", "grading", "data", "assert_close"}

TRICKS = {
    "input transformer": "get_ipython().input_transformers_cleanup.append(lambda lines: ['pass\\n'])\n",
    "input transformer via a name": "ip = get_ipython()\nip.input_transformers_post.append(f)\n",
    "ast transformer": "import ast\nclass D(ast.NodeTransformer):\n    def visit_Assert(self, node):\n        return None\n"
                       "get_ipython().ast_transformers.append(D())\n",
    "custom exception handler": "get_ipython().set_custom_exc((AssertionError,), lambda *a, **k: None)\n",
    "excepthook": "import sys\nsys.excepthook = print\n",
    "replace math.isclose": "math.isclose = lambda *a, **k: True\n",
    "replace np.testing.assert_allclose": "np.testing.assert_allclose = lambda *a, **k: None\n",
    "replace a locked helper's attribute": "assert_close.__code__ = (lambda *a: None).__code__\n",
    "builtins module": "import builtins\nbuiltins.AssertionError = KeyError\n",
    "from builtins": "from builtins import print as p\n",
    "__builtins__": "__builtins__.isinstance = lambda *a: True\n",
    "redefine test data": "TOY_BIGRAMS = ({}, {})\n",
    "redefine an import": "class Counter(dict):\n    def __eq__(self, other):\n        return True\n",
    "import over a locked name": "from collections import OrderedDict as Counter\n",
    "redefine by tuple assignment": "x, TOY_BIGRAMS = 1, 2\n",
    "environment variable": "import os\nGRADED = os.environ.get('LMCOURSE_AUTOGRADING')\n",
    "getenv": "import os\nGRADED = os.getenv('CI')\n",
    "autograder name": "MODE = 'LMCOURSE_AUTOGRADING'\n",
    "grading module": "from lmcourse.grading import autograding\n",
    "getattr with a computed name": "getattr(math, 'is' + 'close')\n",
    "getattr of a dunder": "getattr(math, '__dict__')['isclose'] = None\n",
    "setattr": "setattr(math, 'isclose', None)\n",
    "exec": "exec('x = 1')\n",
    "eval": "y = eval('1 + 1')\n",
    "__import__": "m = __import__('math')\n",
    "globals": "globals()['TOY_BIGRAMS'] = None\n",
    "frame walking": "import sys\nf = sys._getframe(1)\n",
    "inspect": "import inspect\n",
    "ctypes": "import ctypes\n",
    "importlib": "import importlib\n",
    "gc": "import gc\n",
    "a dunder attribute": "x = (1).__class__.__bases__\n",
    "a shell command": "!cat ../../gradebook.db\n",
    "a magic": "%run other.py\n",
    "replace math.isclose through an alias": "import math as m\nm.isclose = lambda *a, **k: True\n",
    "replace a module attribute through an assigned alias": "m = math\nm.isclose = lambda *a, **k: True\n",
    "replace np.testing of an import the cell makes": "import numpy\nnumpy.testing.assert_allclose = print\n",
    "detect grading through lmcourse.grading.budget": "GRADED = grading.budget(False, True)\n",
    "import a reference implementation (lmcourse.reference.lstm_gru)": "from lmcourse.reference.lstm_gru import lstm_cell\n",
    "import a reference implementation (lmcourse.reference.ngram)": "from lmcourse.reference import ngram\n",
    "detect grading through /proc/self/environ": "GRADED = 'AUTOGRADING' in open('/proc/self/environ').read()\n",
    "code inside an allowed magic's argument": "%time exec('x = 1')\n",
    "code inside an allowed cell magic": "%%time\nimport builtins\n",
    "a string that breaks a magic-dropping parse": 'note = """\n!"""\nmath.isclose = None\n',
}



@pytest.mark.parametrize("trick", sorted(TRICKS))
def test_scan_flags_each_trick(trick):
    reasons = tamper.scan_cell(TRICKS[trick], PROTECTED, own_names={"square"})
    assert reasons, f"the scan missed: {trick}"


def test_scan_allows_an_answer_to_define_its_own_name():
    assert tamper.scan_cell("def square(x):\n    return x * x\n", {"square"}, own_names={"square"}) == []
    assert tamper.scan_cell("import math\nfrom collections import Counter\nimport numpy as np\n", PROTECTED) == []
    assert tamper.scan_cell("%matplotlib inline\nx = 1\n", PROTECTED) == []
    assert tamper.scan_cell("from lmcourse import checks\nfrom lmcourse.data import tokenize\n", PROTECTED) == [], \
        "the support package's helpers are fair game"
    assert tamper.scan_cell("def f(:\n", PROTECTED) == [], "a syntax error simply fails to run"
    assert tamper.scan_cell("%time y = sum(range(10))\n%%timeit\n", PROTECTED) == [], "timing an answer is fine"


def test_protected_names_are_the_locked_cells_bindings():
    names = tamper.protected_names(["import math\nfrom collections import Counter as C\nimport os.path\n",
                                    "X, (Y, *Z) = 1, (2, 3)\nW: int = 4\ndef helper():\n    inner = 1\nclass K:\n    pass\n",
                                    "%matplotlib inline\nV = 5\n", "def broken(:\n"])
    assert {"math", "C", "os", "X", "Y", "Z", "W", "helper", "K", "V"} <= names
    assert "inner" not in names and "broken" not in names


def _protected(nb):
    """Names bound by the locked cells, hidden tests included (a superset of what grading protects)."""
    return tamper.protected_names(
        [c.source for c in nb.cells if c.cell_type == "code" and not c.metadata.get("nbgrader", {}).get("solution")])


def _reference_answers():
    """(where, grade_id, source, protected names) for every answer of every reference solution."""
    out = []
    for assignment in assignments():
        for path in sorted((SOLUTIONS / assignment).glob("*.ipynb")):
            nb = nbformat.read(path, as_version=4)
            protected = _protected(nb)
            for cell in nb.cells:
                meta = cell.metadata.get("nbgrader", {})
                if meta.get("solution") and cell.cell_type == "code":
                    out.append((f"solutions/{assignment}/{path.name}", meta["grade_id"],
                                cases_mod.strip_solution_markers(cell.source), protected))
        for case in cases_mod.load_cases(assignment):
            if case.name in ("complete", "alt_loops", "loops"):
                protected = set().union(*(_protected(nbformat.read(p, as_version=4)) for p in (SOLUTIONS / assignment).glob("*.ipynb")))
                for gid, source in case.sections.items():
                    out.append((f"case {assignment}/{case.name}", gid, source, protected))
    return out


def test_scan_has_no_false_positive_on_the_reference_solutions():
    answers = _reference_answers()
    assert len({where for where, *_ in answers}) >= len(assignments())
    flagged = [f"{where} {gid}: {reasons}" for where, gid, source, protected in answers
               if (reasons := tamper.scan_cell(source, protected, own_names={gid}))]
    assert not flagged, "\n".join(flagged)


# --- the sandbox command line ---------------------------------------------------------------------

def _bound(args):
    """(source, destination) of every bind in a bwrap command line."""
    binds = []
    for i, arg in enumerate(args):
        if arg in ("--bind", "--ro-bind", "--dev-bind", "--bind-try", "--ro-bind-try", "--dev-bind-try"):
            binds.append((args[i + 1], args[i + 2]))
    return binds


def _tmpfs_size(args, path):
    """The size bwrap gives the tmpfs mounted at ``path`` (0 when there is none, or no --size)."""
    for i, arg in enumerate(args):
        if arg == "--tmpfs" and args[i + 1] == str(path):
            return int(args[i - 1]) if args[i - 2] == "--size" else 0
    return 0


def test_wrap_command_binds_only_the_work_dir_of_the_course(tmp_path):
    root = (tmp_path / "course").resolve()
    workdir = root / "autograded" / "ann" / "ngram"
    workdir.mkdir(parents=True)
    (workdir / "ngram.ipynb").write_text("{}")
    (workdir / "data.txt").write_text("shipped with the notebook")
    for name in ("source", "release/ngram", "submitted/bob/ngram", "canonical/ann/ngram", "feedback"):
        (root / name).mkdir(parents=True, exist_ok=True)
    (root / "gradebook.db").write_text("")
    sockdir = tmp_path / "sock"
    sockdir.mkdir()
    (workdir / "link.txt").symlink_to(root / "gradebook.db")
    os.mkfifo(workdir / "pipe")
    startup = tmp_path / "startup.py"
    startup.write_text("")
    args = sandbox.wrap_command(["python", "-m", "ipykernel_launcher", "-f", str(sockdir / "kernel.json")], workdir, sockdir, startup)
    assert "--unshare-all" in args or {"--unshare-net", "--unshare-pid"} <= set(args), "no network / PID namespace"
    assert "--die-with-parent" in args
    binds = _bound(args)
    assert _tmpfs_size(args, workdir), "the work dir is not a bounded tmpfs"
    assert ("--ro-bind", str(workdir / "data.txt")) == (args[args.index(str(workdir / "data.txt")) - 1], str(workdir / "data.txt"))
    assert not any("ngram.ipynb" in a for a in args), "the notebook (with its hidden tests) is visible"
    assert not any(a.endswith(("link.txt", "pipe")) for a in args), "a link or a special file handed in is shown to the kernel"
    assert 0 < _tmpfs_size(args, sockdir) <= 2**20, "the socket folder is not a small bounded tmpfs"
    assert ("--ro-bind", str(sockdir / "kernel.json")) == (args[args.index(str(sockdir / "kernel.json")) - 1], str(sockdir / "kernel.json"))
    etc = [dst for src, dst in binds if dst == "/etc"]
    assert etc and all(src != "/etc" for src, dst in binds if dst == "/etc"), "the host's /etc is visible"
    assert _tmpfs_size(args, "/dev/shm"), "/dev/shm is not a bounded tmpfs"
    for src, _ in binds:
        p = Path(os.path.realpath(src))
        if p.parent == workdir:
            continue
        assert not (p == root or root in p.parents), f"{src} (inside the course) is visible in the sandbox"
        assert p not in root.parents, f"{src} contains the whole course folder"
        assert p != Path("/"), "the whole filesystem is bound"
    limits = " ".join(args[args.index("--") + 1:])
    for flag in ("--as=", "--nproc=", "--fsize=", "--cpu="):
        assert flag in limits, f"no {flag} limit"


def test_wrap_command_does_not_bind_the_repository(tmp_path):
    """Of the repository only lmcourse/, the venv, the kernel's end of the test channel and the
    fork server are visible, never solutions/, exercises/, build/, the cases or the grader."""
    (tmp_path / "kernel.json").write_text("{}")
    args = sandbox.wrap_command(["true"], tmp_path, tmp_path, tmp_path / "kernel.json")
    repo = SOLUTIONS.parent.resolve()
    channel = {repo / "autograder" / "__init__.py", repo / "autograder" / "channel", repo / "autograder" / "zygote.py"}
    for src, _ in _bound(args):
        p = Path(os.path.realpath(src))
        assert p not in (repo, *repo.parents), f"{src} contains the whole repository"
        if p in channel:
            continue
        for private in ("solutions", "exercises", "build", "autograder", "tests"):
            assert not (p == repo / private or repo / private in p.parents), f"{src} exposes {private}/"
    shown = [p for p in (repo / "autograder" / "channel").rglob("*.py")] + [repo / "autograder" / "zygote.py"]
    assert shown and not any("solution" in p.read_text().lower() and "BEGIN SOLUTION" in p.read_text() for p in shown)


def _sandboxed_probe(tmp_path, probe, **view):
    """The lines the Python code ``probe`` prints in a sandbox made by wrap_command with ``view``."""
    for name in ("work", "sock"):
        (tmp_path / name).mkdir()
    (tmp_path / "sock" / "kernel.json").write_text("{}")
    (tmp_path / "startup.py").write_text("")
    args = sandbox.wrap_command([sys.executable, "-c", probe], tmp_path / "work", tmp_path / "sock", tmp_path / "startup.py", **view)
    out = subprocess.run(args, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout.splitlines()


@pytest.mark.skipif(not sandbox.available()[0], reason="bubblewrap cannot create namespaces here")
@pytest.mark.parametrize("units", [[], ["lstm_gru", "rnn"]])
def test_the_kernel_sees_only_its_assignments_reference_modules(tmp_path, units):
    """lmcourse.reference in the sandbox holds the modules of ``units`` and nothing else, so an answer
    cannot import another unit's reference code, whatever its import looks like."""
    probe = ("import importlib, os, lmcourse.reference as r\n"
             "print(sorted(os.listdir(r.__path__[0])))\n"
             "for u in ('ngram', 'rnn', 'lstm_gru', 'rnnlm'):\n"
             "    try:\n        importlib.import_module('lmcourse.reference.' + u)\n        print('imports', u)\n"
             "    except ImportError:\n        pass\n")
    lines = _sandboxed_probe(tmp_path, probe, reference_units=units)
    assert lines[0] == str(sorted(["__init__.py"] + [f"{u}.py" for u in units])), lines
    assert lines[1:] == [f"imports {u}" for u in ("rnn", "lstm_gru") if u in units], lines


@pytest.mark.skipif(not sandbox.available()[0], reason="bubblewrap cannot create namespaces here")
@pytest.mark.parametrize("kernel_packages", [[], ["numpy", "torch"]])
def test_the_kernel_has_torch_only_when_its_notebook_imports_it(tmp_path, kernel_packages):
    """A kernel whose notebook does not import torch cannot import it (or sympy, installed for it)
    however it asks, nor nltk in any case; the failed import leaves nothing in sys.modules."""
    probe = ("import importlib, sys\n"
             "for name in ('torch', 'torch.autograd', 'sympy', 'nltk', 'nltk.translate.bleu_score'):\n"
             "    try:\n        importlib.import_module(name)\n        print('imports', name)\n"
             "    except ModuleNotFoundError as e:\n        print('refused', name, e.name in sys.modules, e.name)\n")
    lines = _sandboxed_probe(tmp_path, probe, kernel_packages=kernel_packages)
    if kernel_packages:
        expected = ["imports torch", "imports torch.autograd", "imports sympy"]
    else:
        expected = ["refused torch False torch", "refused torch.autograd False torch", "refused sympy False sympy"]
    assert lines == expected + ["refused nltk False nltk", "refused nltk.translate.bleu_score False nltk"], lines


def test_kernel_side_packages_are_read_from_the_cells_the_kernel_runs():
    """The NumPy units' kernels get no torch: their tests compare with torch.nn on the grader's
    side, which does not count; the units whose students use torch get it."""
    from autograder.reference import imported_packages

    def kernel_imports_torch(unit, kernel_only=True):
        nb = nbformat.read(SOLUTIONS / unit / f"{unit}.ipynb", as_version=4)
        return "torch" in imported_packages(nb, kernel_only=kernel_only)

    assert {u: kernel_imports_torch(u) for u in ("ngram", "rnn", "lstm_gru", "birnn", "seq2seq", "rnnlm")} == \
        {"ngram": False, "rnn": False, "lstm_gru": False, "birnn": True, "seq2seq": True, "rnnlm": True}
    assert kernel_imports_torch("rnn", kernel_only=False), \
        "the rnn unit's hidden tests no longer use torch: the kernel-only case checks nothing"
    assert set(sandbox.hidden_packages(["numpy"])) >= {"torch", "sympy", "nltk"}
    assert "torch" not in sandbox.hidden_packages(["torch"]) and "nltk" in sandbox.hidden_packages(["torch"])


def test_kernel_side_reference_units_leave_out_the_test_cells():
    """The kernel's view is read from the cells the kernel runs: the rnn unit's hidden tests import its
    reference numerical gradient on the grader's side, which must not show it to the student's kernel."""
    from autograder.reference import reference_units

    views = {u: reference_units(nbformat.read(SOLUTIONS / u / f"{u}.ipynb", as_version=4), kernel_only=True)
             for u in ("ngram", "rnn", "lstm_gru", "birnn")}
    assert views == {"ngram": [], "rnn": [], "lstm_gru": ["rnn"], "birnn": ["lstm_gru", "rnn"]}, views
    assert "rnn" in reference_units(nbformat.read(SOLUTIONS / "rnn" / "rnn.ipynb", as_version=4)), \
        "the rnn unit's hidden tests no longer use the reference: this test checks nothing"


# --- a tiny course for outcomes and the journal -----------------------------------------------------

@pytest.fixture
def tiny(tmp_path):
    """A course folder with a release of a one-notebook assignment 'tiny' (no gradebook needed)."""
    root = tmp_path / "course"
    (root / "release" / "tiny").mkdir(parents=True)
    nbformat.write(release_nb(), root / "release" / "tiny" / "tiny.ipynb")
    return root


def submit(root, student, files):
    folder = root / "submitted" / student / "tiny"
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (folder / name).write_text(content)
    return folder


def test_grade_one_missing_submission(tiny):
    row = hardened.grade_one(tiny, "tiny", "nobody")
    assert (row.status, row.score) == ("missing", 0.0) and row.reason == "no submission"
    assert hardened.read_journal(tiny, "tiny", "nobody")[0].status is Outcome.MISSING, "the journal reads back an Outcome"


def test_grade_one_empty_folder(tiny):
    (tiny / "submitted" / "empty" / "tiny").mkdir(parents=True)
    row = hardened.grade_one(tiny, "tiny", "empty")
    assert row.status == "missing" and "no notebook" in row.reason


def test_grade_one_other_file_but_no_notebook(tiny):
    submit(tiny, "pdf", {"tiny.pdf": "%PDF-1.4 not a notebook"})
    row = hardened.grade_one(tiny, "tiny", "pdf")
    assert row.status == "missing" and "no notebook" in row.reason


@pytest.mark.parametrize("content", ["this is not JSON {", "", json.dumps({"cells": 5, "nbformat": 4, "nbformat_minor": 5}),
                                     json.dumps([1, 2, 3])])
def test_grade_one_invalid_notebook(tiny, content):
    submit(tiny, "bad", {"tiny.ipynb": content})
    row = hardened.grade_one(tiny, "tiny", "bad")
    assert row.status == "failed" and row.reason.startswith("invalid notebook tiny.ipynb"), row.reason
    assert row.score == 0.0
    journal, digest = hardened.read_journal(tiny, "tiny", "bad")
    assert journal.status == "failed" and digest == hardened.submission_hash(tiny / "submitted" / "bad" / "tiny")


def test_grade_one_takes_the_only_notebook_under_another_name(tiny):
    """A single notebook handed in under another name is graded (here: found unreadable), not ignored."""
    submit(tiny, "copy", {"tiny-Copy1.ipynb": "not JSON"})
    row = hardened.grade_one(tiny, "tiny", "copy")
    assert row.status == "failed" and row.reason.startswith("invalid notebook tiny-Copy1.ipynb"), row.reason


def _mtimes(root, students):
    return {s: hardened.journal_path(root, "tiny", s).stat().st_mtime_ns for s in students}


def test_journal_completes_a_killed_run_and_regrades_only_changed_submissions(tiny):
    students = ["ann", "bob", "cy", "dee"]
    for s in students[:3]:
        submit(tiny, s, {"tiny.ipynb": f"not json ({s})"})
    # a run killed after grading ann: her entry is there (with the hash of her submission), nobody else's
    done = Row("ann", "tiny", "graded", 5.0, 5.0, reason="graded before the kill", isolation="sandbox")
    hardened._write_journal(tiny, done, hardened.submission_hash(tiny / "submitted" / "ann" / "tiny"))
    # bob's entry was half-written when the grader died: unreadable, so he is graded again
    hardened.journal_path(tiny, "tiny", "bob").write_text('{"student": "bob", "stat')

    rows = hardened.grade_class(tiny, "tiny", students, workers=1, progress=False)
    assert [r.student for r in rows] == students, "exactly one row per student, in roster order"
    by = {r.student: r for r in rows}
    assert by["ann"].reason == "graded before the kill", "an unchanged, already graded submission is not graded again"
    assert by["bob"].status == by["cy"].status == "failed" and "invalid notebook" in by["bob"].reason
    assert by["dee"].status == "missing"
    assert sorted(p.stem for p in (tiny / "results" / "tiny").glob("*.json")) == students
    assert not list((tiny / "results" / "tiny").glob("*.tmp"))

    before = _mtimes(tiny, students)
    rows = hardened.grade_class(tiny, "tiny", students, workers=1, progress=False)
    assert _mtimes(tiny, students) == before, "re-running on unchanged submissions grades nothing"
    assert [r.status for r in rows] == ["graded", "failed", "failed", "missing"]

    submit(tiny, "cy", {"tiny.ipynb": "still not json, but another file"})
    submit(tiny, "dee", {"tiny.ipynb": "{"})
    rows = hardened.grade_class(tiny, "tiny", students, workers=1, progress=False)
    after = _mtimes(tiny, students)
    assert after["ann"] == before["ann"] and after["bob"] == before["bob"]
    assert after["cy"] != before["cy"] and after["dee"] != before["dee"], "a changed or new submission is graded again"
    assert {r.student: r.status for r in rows}["dee"] == "failed"

    rows = hardened.grade_class(tiny, "tiny", students, workers=1, progress=False, regrade=True)
    assert {r.student: r.status for r in rows}["ann"] == "failed", "regrade grades everyone again"
    assert len(rows) == len(students)


def test_every_row_is_out_of_the_releases_points(tiny):
    """A row that could not be graded still says what it was out of (2 + 3 points): an LMS divides by it."""
    submit(tiny, "bad", {"tiny.ipynb": "not JSON"})
    rows = hardened.grade_class(tiny, "tiny", ["bad", "../x", "nobody"], workers=1, progress=False)
    assert [(r.status, r.max_score) for r in rows] == [(Outcome.FAILED, 5.0), (Outcome.FAILED, 5.0), (Outcome.MISSING, 5.0)], \
        [(r.student, r.status, r.max_score, r.reason) for r in rows]


@pytest.mark.skipif(not sandbox.available()[0], reason="bubblewrap cannot run here")
def test_a_sandboxed_kernel_reuses_the_graders_matplotlib_font_list(tmp_path):
    """Every kernel that plots would rebuild matplotlib's font list (a fresh /tmp each time); the
    list built once by the grader is shown read-only instead."""
    (tmp_path / "sock").mkdir()
    (tmp_path / "sock" / "kernel.json").write_text("{}")
    (tmp_path / "startup.py").write_text("")
    (tmp_path / "work").mkdir()
    code = ("import logging; logging.basicConfig(level=logging.INFO); import matplotlib.font_manager as fm; "
            "print(len(fm.fontManager.ttflist))")
    args = sandbox.wrap_command([sys.executable, "-c", code], tmp_path / "work", tmp_path / "sock", tmp_path / "startup.py")
    run = subprocess.run(args, capture_output=True, text=True, timeout=120,
                         env={"PATH": os.environ["PATH"], "HOME": "/tmp", "MPLCONFIGDIR": "/tmp"})
    assert run.returncode == 0, run.stderr[-2000:]
    assert int(run.stdout.split()[-1]) > 0, "matplotlib found no font"
    assert "generated new fontManager" not in run.stderr, "the kernel rebuilt matplotlib's font list"
