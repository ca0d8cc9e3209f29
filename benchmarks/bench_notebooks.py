"""Time full runs of the solution notebooks (as a student runs the finished exercise, nothing cut
down) against the CPU budget each notebook states at its top.

    python benchmarks/bench_notebooks.py [UNIT ...]      # default: every unit
"""
import argparse
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from autograder.course import SOLUTIONS  # noqa: E402

# The budgets the notebooks state, in seconds of a full run on two CPU cores.
BUDGET_S = {"ngram": 60, "rnn": 60, "lstm_gru": 30, "birnn": 120, "seq2seq": 300, "rnnlm": 600}


def run(path):
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(nb, timeout=1200, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    elapsed = time.perf_counter() - start
    errors = [f"{out.ename}: {out.evalue}" for cell in nb.cells for out in cell.get("outputs", [])
              if out.output_type == "error"]
    return elapsed, errors


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("units", nargs="*", help="units to run (default: all)")
    args = parser.parse_args()
    os.environ.pop("LMCOURSE_AUTOGRADING", None)
    os.environ.setdefault("MPLBACKEND", "Agg")
    units = args.units or sorted(p.name for p in SOLUTIONS.iterdir() if p.is_dir())
    print(f"{'unit':<10} {'full run':>9} {'budget':>7}  verdict")
    failed = False
    for unit in units:
        path = next((SOLUTIONS / unit).glob("*.ipynb"))
        elapsed, errors = run(path)
        budget = BUDGET_S.get(unit)
        ok = not errors and (budget is None or elapsed <= budget)
        failed |= not ok
        verdict = "ok" if ok else ("errors: " + "; ".join(errors)[:200] if errors else "over budget")
        print(f"{unit:<10} {elapsed:8.1f}s {budget or '-':>6}s  {verdict}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
