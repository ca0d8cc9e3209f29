"""Load the reference solution of a unit from its nbgrader source notebook, for tests and benchmarks.

    from solution_code import load_solution
    ns = load_solution("ngram")
    ns["count_ngrams"](sentences, 2)

The first code cell (the imports) and every answer cell (nbgrader metadata ``solution: true``) of
``solutions/<unit>/<unit>.ipynb`` are executed, in notebook order, in one fresh namespace; the
``### BEGIN/END SOLUTION`` lines are plain comments, so the sources run as they are. Other cells
(tests, tables, demos) are not run. The namespace is cached per unit.
"""
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_CACHE = {}


def solution_path(unit):
    """Path of the source notebook of ``unit``."""
    return ROOT / "solutions" / unit / f"{unit}.ipynb"


def solution_cells(unit):
    """Sources of the cells that ``load_solution`` executes, in order: [(grade_id or None, source)]."""
    nb = json.loads(solution_path(unit).read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c.get("cell_type") == "code"]
    chosen = []
    for i, cell in enumerate(code):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if i == 0 or meta.get("solution"):
            source = cell.get("source", "")
            chosen.append((meta.get("grade_id"), "".join(source) if isinstance(source, list) else source))
    return chosen


def load_solution(unit):
    """A dict namespace holding the reference solution of ``unit`` (cached; do not modify it)."""
    if unit not in _CACHE:
        namespace = {"__name__": f"solution_{unit}"}
        for grade_id, source in solution_cells(unit):
            code = compile(source, f"<{unit}.ipynb:{grade_id or 'imports'}>", "exec")
            exec(code, namespace)
        _CACHE[unit] = namespace
    return _CACHE[unit]
