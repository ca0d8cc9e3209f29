"""Each source notebook runs top to bottom in a plain kernel, as an instructor runs it in Jupyter,
with every visible and hidden test passing. Training is cut down as the autograder cuts it (the
graded tests never depend on it); ``benchmarks/bench_notebooks.py`` runs the full experiments and
times them against the budgets the notebooks state."""
import nbformat
import pytest
from nbclient import NotebookClient

from autograder.course import SOLUTIONS

pytestmark = pytest.mark.slow
NOTEBOOKS = sorted(SOLUTIONS.glob("*/*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.parent.name for p in NOTEBOOKS])
def test_solution_notebook_runs_and_passes_its_tests(path, monkeypatch):
    monkeypatch.setenv("LMCOURSE_AUTOGRADING", "1")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=True, resources={"metadata": {"path": str(path.parent)}}).execute()
    errors = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.output_type == "error":
                grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "?")
                errors.append(f"{grade_id}: {out.ename}: {out.evalue}")
    assert not errors, "\n".join(errors)
