"""Which units' reference code (``lmcourse.reference.<unit>``) a notebook runs.

Read from the imports of its code cells, so there is nothing to keep in step by hand, and from the
tag ``reference:<unit>`` of a cell that holds such code itself (a lecture that writes out the LSTM
it plots): the student edition shows that cell's outputs but not its code until ``unit`` is released. The grader's
sandbox shows a kernel only the reference modules of its assignment's source notebook (none for most
units, the cells of the rnn and lstm_gru units for birnn); the student edition holds a notebook that
runs unreleased reference code only as its executed page (see :mod:`autograder.edition`). The same
reading gives the packages a notebook imports (:func:`imported_packages`): the sandbox shows a kernel
a framework such as torch only when its assignment's own cells import it.
"""
import ast
import re
from pathlib import Path

import lmcourse

PACKAGE = "lmcourse.reference"
TAG = "reference:"
FOLDER = Path(lmcourse.__file__).resolve().parent / "reference"
_MAGIC = re.compile(r"^\s*[%!].*$", re.M)


def units():
    """The units that have a reference module."""
    return sorted(p.stem for p in FOLDER.glob("*.py") if p.stem != "__init__")


def reference_units(nb, kernel_only=False):
    """Sorted units whose reference module the code cells of notebook ``nb`` import.

    ``kernel_only``: leave out the graded test cells, which the grader runs on its side of the
    boundary (see :mod:`autograder.execute`), so only what the student's kernel runs counts.
    """
    found = {unit for cell in nb.cells for unit in tagged_units(cell)}
    for module, names in _imports(nb, kernel_only):
        found.add(_unit(module))
        if module == PACKAGE:
            found |= set(names)
    return sorted(found - {None})


def imported_packages(nb, kernel_only=False):
    """Sorted top-level packages that the code cells of notebook ``nb`` import (``kernel_only`` as
    in :func:`reference_units`)."""
    return sorted({module.split(".")[0] for module, _ in _imports(nb, kernel_only)})


def _imports(nb, kernel_only):
    """(module, [names imported from it]) for every import statement of the code cells of ``nb``."""
    for cell in nb.cells:
        if cell.cell_type != "code" or (kernel_only and _is_test(cell)):
            continue
        try:
            tree = ast.parse(_MAGIC.sub("", cell.source))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                yield from ((a.name, []) for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                yield node.module, [a.name for a in node.names]


def tagged_units(cell):
    """The units named by the cell's ``reference:<unit>`` tags."""
    return [tag.split(":", 1)[1] for tag in cell.metadata.get("tags", []) if tag.startswith(TAG)]


def _is_test(cell):
    info = cell.metadata.get("nbgrader", {})
    return bool(info.get("grade")) and not info.get("solution")


def _unit(module):
    parts = module.split(".")
    return parts[2] if len(parts) > 2 and ".".join(parts[:2]) == PACKAGE else None
