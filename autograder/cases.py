"""Example and mistaken student submissions, written as edits to a notebook.

Each file ``autograder/cases/<assignment>/<case>.py`` describes one submission::

    \"\"\"One-line description.

    expect: less          # graded with full (score == max), less (score < max) or zero (score == 0)
                          # marks, answers waiting for a manual grade left out of max;
                          # review (withheld for manual review); failed (not gradable)
    withheld: zero        # optional, with review: the score that was withheld (full, less, zero)
    base: solution        # solution: answer cells hold the reference; release: the untouched stubs
    hint: What a student who makes this mistake reads in the feedback (every mistake case
      has one): the idea to look at again, in the instructor's words, never a test's
      text. It runs to the next blank line.
    \"\"\"
    # %% count_ngrams
    def count_ngrams(sentences, n):
        ...               # the whole new source of the answer cell with grade_id count_ngrams
    # %% file:helpers.py
    ...                   # a file handed in next to the notebook, with this content

The submission is the student version of the assignment (``release/``) with its answer cells
filled from ``base`` and then replaced section by section. Cases drive the TA demo, the tests
that prove the hidden tests catch real mistakes, and the corpus of broken submissions.
"""
import ast
import copy
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograder.report import Outcome

CASES = Path(__file__).resolve().parent / "cases"
EXPECTATIONS = ("full", "less", "zero", "review", "failed")
_SECTION = re.compile(r"^# %% (\S+)[ \t]*$", re.M)
_MARKER = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n?", re.M)


@dataclass
class Case:
    name: str
    description: str
    expect: str
    base: str
    sections: dict = field(default_factory=dict)
    withheld: str = ""
    hint: str = ""

    def outcome_ok(self, row):
        """Whether a grading :class:`autograder.report.Row` is what this case expects."""
        if self.expect == "review":
            withheld = _WITHHELD.search(row.reason)
            return row.status == Outcome.REVIEW and (not self.withheld or withheld is not None and
                                               _score_is(self.withheld, float(withheld[1]), float(withheld[2])))
        if self.expect == "failed":
            return row.status == Outcome.FAILED
        # answers waiting for a TA are judged later, by the TA: the case is about the autograded points
        return row.status == Outcome.GRADED and _score_is(self.expect, row.score, row.max_score - row.manual_points)


_WITHHELD = re.compile(r"score ([\d.]+)/([\d.]+) withheld")
_HINT = re.compile(r"^hint:[ \t]*(.+(?:\n[ \t]*\S.*)*)", re.M)  # to the next blank line


def _score_is(kind, score, max_score):
    return {
        "full": abs(score - max_score) < 1e-9 and max_score > 0,
        "less": score < max_score - 1e-9,
        "zero": abs(score) < 1e-9,
    }[kind]


def parse_case(path):
    """Read one case file into a :class:`Case`."""
    path = Path(path)
    text = path.read_text()
    docstring = ast.get_docstring(ast.parse(text.split("\n# %% ")[0] + "\n")) or ""
    fields = dict(re.findall(r"^(expect|base|withheld):\s*(\w+)", docstring, re.M))
    expect, base, withheld = fields.get("expect"), fields.get("base"), fields.get("withheld", "")
    if expect not in EXPECTATIONS or base not in ("solution", "release"):
        raise ValueError(f"{path}: the docstring needs 'expect: {'|'.join(EXPECTATIONS)}' and 'base: solution|release'")
    sections = {}
    parts = _SECTION.split(text)
    for grade_id, body in zip(parts[1::2], parts[2::2]):
        if grade_id in sections:
            raise ValueError(f"{path}: section {grade_id!r} appears twice")
        sections[grade_id] = body.strip("\n") + "\n"
    if withheld and (expect != "review" or withheld not in ("full", "less", "zero")):
        raise ValueError(f"{path}: 'withheld: full|less|zero' goes with 'expect: review' only")
    hint = _HINT.search(docstring)
    hint = " ".join(hint[1].split()) if hint else ""
    return Case(path.stem, docstring.splitlines()[0] if docstring else path.stem, expect, base, sections, withheld, hint)


def load_cases(assignment, names=None):
    """Cases of ``assignment`` (all, or those in ``names``), sorted by name."""
    folder = CASES / assignment
    paths = sorted(folder.glob("*.py"))
    cases = [parse_case(p) for p in paths if names is None or p.stem in names]
    if names is not None:
        missing = set(names) - {c.name for c in cases}
        if missing:
            raise ValueError(f"no such case in {folder}: {', '.join(sorted(missing))}")
    return cases


def strip_solution_markers(source):
    return _MARKER.sub("", source)


def _answer_cells(nb):
    return {
        cell.metadata["nbgrader"]["grade_id"]: cell
        for cell in nb.cells
        if cell.metadata.get("nbgrader", {}).get("solution")
    }


FILE_SECTION = "file:"


def build_submission(case, source_dir, release_dir):
    """What a student following ``case`` would hand in: {file name: NotebookNode, or bytes for the
    other files (sections ``file:NAME``)}."""
    notebooks = {name[len(FILE_SECTION):]: body.encode() for name, body in case.sections.items() if name.startswith(FILE_SECTION)}
    seen = {name for name in case.sections if name.startswith(FILE_SECTION)}
    for release_path in sorted(Path(release_dir).glob("*.ipynb")):
        nb = copy.deepcopy(nbformat.read(release_path, as_version=4))
        answers = _answer_cells(nb)
        if case.base == "solution":
            reference = _answer_cells(nbformat.read(Path(source_dir) / release_path.name, as_version=4))
            for grade_id, cell in answers.items():
                cell.source = strip_solution_markers(reference[grade_id].source)
        for grade_id, cell in answers.items():
            if grade_id in case.sections:
                cell.source = case.sections[grade_id]
                seen.add(grade_id)
        notebooks.setdefault(release_path.name, nb)
    unknown = set(case.sections) - seen
    if unknown:
        raise ValueError(f"case {case.name}: no answer cell with grade_id {', '.join(sorted(unknown))}")
    return notebooks


class _RenameLocals(ast.NodeTransformer):
    """Renames the local variables of every function (never a parameter, of it or of a lambda or
    function inside it, nor globals or attributes)."""

    def __init__(self, prefix):
        self.prefix, self.names = prefix, set()

    def _scope(self, fn, body):
        params = {a.arg for a in ast.walk(fn.args) if isinstance(a, ast.arg)}
        assigned = {n.id for stmt in body for n in ast.walk(stmt) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
        outer, self.names = self.names, (self.names | assigned) - params
        self.generic_visit(fn)
        self.names = outer
        return fn

    def visit_FunctionDef(self, fn):
        return self._scope(fn, fn.body)

    def visit_Lambda(self, fn):
        return self._scope(fn, [])

    def visit_Name(self, node):
        if node.id in self.names:
            node.id = self.prefix + node.id
        return node


def disguise(notebooks, prefix="my_", note="# my own work, written from scratch"):
    """``notebooks`` ({name: NotebookNode}, changed in place and returned) as a student hiding a copy
    hands them in: every answer cell's local variables renamed, the code re-laid out (comments
    dropped) and a comment of their own on top. What it computes is unchanged."""
    for nb in notebooks.values():
        if not isinstance(nb, nbformat.NotebookNode):
            continue
        for cell in nb.cells:
            if cell.get("metadata", {}).get("nbgrader", {}).get("solution") and cell.cell_type == "code":
                try:
                    tree = ast.parse(cell.source)
                except SyntaxError:
                    continue  # what does not parse is handed in as it is
                cell.source = f"{note}\n{ast.unparse(_RenameLocals(prefix).visit(tree))}\n"
    return notebooks
