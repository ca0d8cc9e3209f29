"""Build the RNN-LM comparison table (Kneser-Ney vs RNN vs LSTM vs GRU, character and word level)
with the reference solution of the rnnlm assignment, without running the rest of the notebook.

    python benchmarks/rnnlm_table.py              # CUDA when present (bigger models), else the CPU
    python benchmarks/rnnlm_table.py --quick      # the autograder's cut-down configuration (seconds)
    LMCOURSE_DEVICE=cpu python benchmarks/rnnlm_table.py

Prints the table with the CPU (process) and wall time it took, and writes build/rnnlm_table.md and
build/rnnlm_table.csv. The configuration is ``lmcourse.lm.table_configs``, the one the notebook uses.
"""
import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from solution_code import load_solution  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="tiny models, a few steps (a smoke test)")
    args = parser.parse_args()

    import torch

    from lmcourse import lm
    from lmcourse.device import pick_device

    torch.set_num_threads(1)
    sol = load_solution("rnnlm")
    device = pick_device()
    configs = lm.table_configs(device, autograde=args.quick)
    works, max_eval_c, max_eval_w = (2, 20000, 500) if args.quick else (None, None, None)
    corpora = {"char": lm.char_corpus(max_train_works=works, max_eval=max_eval_c),
               "word": lm.word_corpus(max_train_works=works, max_eval=max_eval_w)}
    orders = {"char": [3, 4] if args.quick else [5, 6, 7, 8], "word": [2, 3] if args.quick else [2, 3, 4]}
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else "CPU, 1 thread"
    print(f"device: {device} ({name})")
    cpu, wall = time.process_time(), time.perf_counter()
    rows, _ = lm.compare_models(sol["make_batches"], sol["detach_state"], sol["evaluate"], device, configs,
                                corpora, orders)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print()
    text = lm.save_table(rows, ROOT / "build", stem="rnnlm_table_quick" if args.quick else "rnnlm_table")
    print(text)
    print(f"device {device} ({name}); {cpu:.0f} s of CPU time, {wall:.0f} s of wall time; "
          f"written to build/{'rnnlm_table_quick' if args.quick else 'rnnlm_table'}.md and .csv")


if __name__ == "__main__":
    main()
