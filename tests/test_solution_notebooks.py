"""Each source notebook runs top to bottom, as a student would run the finished exercise, with
every visible and hidden test passing and the full (not cut-down) final experiments."""
import nbformat
import pytest
from nbclient import NotebookClient

from autograder.course import SOLUTIONS

pytestmark = pytest.mark.slow
NOTEBOOKS = sorted(SOLUTIONS.glob("*/*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.parent.name for p in NOTEBOOKS])
def test_solution_notebook_runs_and_passes_its_tests(path, monkeypatch):
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
