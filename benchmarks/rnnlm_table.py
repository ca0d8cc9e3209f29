"""Build the RNN-LM comparison table (Kneser-Ney vs RNN vs LSTM vs GRU, character and word level)
with the reference solution of the rnnlm assignment (its RNNLM, train_epoch and evaluate, driven by
the notebook's own training cell), without running the rest of the notebook.

    python benchmarks/rnnlm_table.py              # CUDA when present (bigger models), else the CPU
    python benchmarks/rnnlm_table.py --quick      # the autograder's cut-down configuration (seconds)
    LMCOURSE_DEVICE=cpu python benchmarks/rnnlm_table.py

Prints the table with the CPU (process) and wall time it took, and writes build/rnnlm_table.md and
build/rnnlm_table.csv. The set-up is ``lmcourse.lm.table_setup``, the one the notebook uses.
"""
import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from solution_code import load_solution, solution_path  # noqa: E402


def reference_driver():
    """The reference solution's namespace with the notebook's locked training cell (table_driver) run in it."""
    ns = dict(load_solution("rnnlm"))
    nb = json.loads(solution_path("rnnlm").read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == "table_driver")
    exec(compile("".join(cell["source"]), "<rnnlm.ipynb:table_driver>", "exec"), ns)  # noqa: S102
    return ns


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="tiny models, a few steps (a smoke test)")
    args = parser.parse_args()

    import torch

    from lmcourse import lm
    from lmcourse.device import pick_device

    torch.set_num_threads(1)
    sol = reference_driver()
    device = pick_device()
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else "CPU, 1 thread"
    cpu, wall = time.process_time(), time.perf_counter()
    setup = lm.table_setup(device, autograde=args.quick)
    print(f"device: {device} ({name}); models train on {setup['train_works']} of the 36 training works")
    rows, _ = sol["compare_models"](setup["configs"], setup["corpora"], setup["orders"], device,
                                    full_train_units=setup["full_train_units"])
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print()
    text = lm.save_table(rows, ROOT / "build", stem="rnnlm_table_quick" if args.quick else "rnnlm_table")
    print(text)
    print(f"device {device} ({name}); {cpu:.0f} s of CPU time, {wall:.0f} s of wall time; "
          f"written to build/{'rnnlm_table_quick' if args.quick else 'rnnlm_table'}.md and .csv")


if __name__ == "__main__":
    main()
