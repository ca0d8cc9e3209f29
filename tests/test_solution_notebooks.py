"""Each source notebook runs top to bottom, as a student would run the finished exercise, with
every visible and hidden test passing. Notebooks run their full (not cut-down) experiments, except
those whose full run takes minutes of training: they run here as the autograder runs them, and
``benchmarks/bench_notebooks.py`` times their full runs against the budgets they state."""
import nbformat
import pytest
from nbclient import NotebookClient

from autograder.course import SOLUTIONS

pytestmark = pytest.mark.slow
NOTEBOOKS = sorted(SOLUTIONS.glob("*/*.ipynb"))
CUT_DOWN_IN_SUITE = {"seq2seq", "rnnlm"}   # full runs: benchmarks/bench_notebooks.py


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.parent.name for p in NOTEBOOKS])
def test_solution_notebook_runs_and_passes_its_tests(path, monkeypatch):
    if path.parent.name in CUT_DOWN_IN_SUITE:
        monkeypatch.setenv("LMCOURSE_AUTOGRADING", "1")
    else:
        monkeypatch.delenv("LMCOURSE_AUTOGRADING", raising=False)
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
