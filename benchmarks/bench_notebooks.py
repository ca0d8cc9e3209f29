"""Time full runs of the lectures and the solution notebooks (as a student runs them, nothing cut
down) against the CPU budget each notebook states at its top, with the kernel's peak memory.

    python benchmarks/bench_notebooks.py [NAME ...]   # default: every lecture and every unit
    (NAME: a unit such as ``rnn``, or a lecture's file name without ``.ipynb`` or its number, ``03``)

Each notebook runs in a fresh child process, so the kernel is that process's only child and its
``ru_maxrss`` is the kernel's peak resident memory; the CPU seconds are the kernel's too (user +
system). The budget is the "N seconds" or "N minutes" (the top of "M to N") of the first cell's
time-budget sentence, else of the first cell. A run passes when it has no error, its CPU time is
within 1.25 times that figure ("about N") and its peak stays under 1 GB, the memory of a small
hub server.
"""
import argparse
import json
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
LECTURES = ROOT / "lectures"
PEAK_LIMIT_MB = 1024
SLACK = 1.25  # the notebooks state "about N seconds"
_BUDGET = re.compile(r"(\d+(?:\.\d+)?)(?:\s*(?:to|-)\s*(\d+(?:\.\d+)?))?\s*(seconds?|s|minutes?|min)\b")


def notebooks(names):
    """[(label, path)] of the lectures and units named (all when ``names`` is empty)."""
    found = [(p.stem, p) for p in sorted(LECTURES.glob("*.ipynb"))]
    found += [(p.name, next(p.glob("*.ipynb"))) for p in sorted(SOLUTIONS.iterdir()) if p.is_dir()]
    if not names:
        return found
    chosen = [(label, path) for label, path in found if label in names or label.split("_")[0] in names]
    missing = set(names) - {label for label, _ in chosen} - {label.split("_")[0] for label, _ in chosen}
    if missing:
        raise SystemExit(f"no such lecture or unit: {', '.join(sorted(missing))}")
    return chosen


def stated_budget_s(nb):
    """Seconds of CPU the notebook's first cell promises (the top of a range), or None.

    Read from its "Time budget" sentence where it has one (an exercise also says how long the
    autograder takes), else from the first duration in the cell."""
    text = nb.cells[0].source
    match = _BUDGET.search(text, max(text.lower().find("budget"), 0))
    if not match:
        return None
    value, unit = float(match.group(2) or match.group(1)), match.group(3)
    return value * 60 if unit.startswith("min") else value


def run_one(path):
    """Execute ``path`` here (the child process); print a JSON line of what it measured."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(nb, timeout=1800, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # the kernel, shut down and reaped
    errors = [f"{out.ename}: {out.evalue}" for cell in nb.cells for out in cell.get("outputs", [])
              if out.output_type == "error"]
    print(json.dumps({"wall_s": time.perf_counter() - start, "cpu_s": usage.ru_utime + usage.ru_stime,
                      "peak_mb": usage.ru_maxrss / 1024, "errors": errors}))


def measure(path):
    env = {k: v for k, v in os.environ.items() if k != "LMCOURSE_AUTOGRADING"}
    env.setdefault("MPLBACKEND", "Agg")
    done = subprocess.run([sys.executable, __file__, "--one", str(path)], env=env, capture_output=True, text=True)
    if done.returncode:
        return {"wall_s": 0.0, "cpu_s": 0.0, "peak_mb": 0.0, "errors": [done.stderr[-300:]]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def verdict(result, budget):
    if result["errors"]:
        return "errors: " + "; ".join(result["errors"])[:200]
    problems = []
    if budget is None:
        problems.append("no budget stated")
    elif result["cpu_s"] > SLACK * budget:
        problems.append("over budget")
    if result["peak_mb"] > PEAK_LIMIT_MB:
        problems.append("over 1 GB")
    return ", ".join(problems) or "ok"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", help="lectures or units to run (default: all)")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        return run_one(Path(args.one))
    import nbformat

    print(f"{'notebook':<38} {'wall':>7} {'CPU':>7} {'budget':>7} {'peak':>8}  verdict")
    failed = False
    for label, path in notebooks(args.names):
        budget = stated_budget_s(nbformat.read(path, as_version=4))
        result = measure(path)
        outcome = verdict(result, budget)
        failed |= outcome != "ok"
        shown = f"{budget:.0f}s" if budget else "-"
        print(f"{label:<38} {result['wall_s']:6.1f}s {result['cpu_s']:6.1f}s {shown:>7} "
              f"{result['peak_mb']:6.0f}MB  {outcome}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
