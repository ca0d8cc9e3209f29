"""NumPy reference RNN (forward + BPTT) against PyTorch CPU autograd, same sizes, float64.

    python benchmarks/bench_rnn.py [--batch 32] [--steps 64] [--input 128] [--hidden 128]
                                   [--repeats 15] [--warmup 3] [--threads N]

Times ``rnn_forward`` + ``rnn_backward`` of the reference solution (solutions/rnn/rnn.ipynb, loaded
through tests/solution_code.py) and ``torch.nn.RNN`` forward + ``backward`` with the same
weights, inputs and upstream gradient. Prints the median (and min) of ``--repeats`` runs after
``--warmup`` runs (the two interleaved), the ratio numpy / torch, and checks that both compute the same gradients.
Not a test: timings depend on the machine and its load.
"""
import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from solution_code import load_solution  # noqa: E402
from timing import timed  # noqa: E402



def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batch", "-N", type=int, default=32)
    parser.add_argument("--steps", "-T", type=int, default=64)
    parser.add_argument("--input", "-D", type=int, default=128)
    parser.add_argument("--hidden", "-H", type=int, default=128)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--threads", type=int, default=None, help="torch.set_num_threads (default: torch's own)")
    args = parser.parse_args(argv)

    import torch

    if args.threads:
        torch.set_num_threads(args.threads)
    ref = load_solution("rnn")
    rnn_forward, rnn_backward = ref["rnn_forward"], ref["rnn_backward"]
    N, T, D, H = args.batch, args.steps, args.input, args.hidden

    torch.manual_seed(0)
    rnn = torch.nn.RNN(D, H, batch_first=True, dtype=torch.float64)
    U = rnn.weight_ih_l0.detach().numpy().copy()
    W = rnn.weight_hh_l0.detach().numpy().copy()
    b = (rnn.bias_ih_l0 + rnn.bias_hh_l0).detach().numpy()
    rng = np.random.default_rng(0)
    x, h0, dh = rng.standard_normal((N, T, D)), rng.standard_normal((N, H)), rng.standard_normal((N, T, H))
    tx = torch.tensor(x, requires_grad=True)
    th0 = torch.tensor(h0)[None].requires_grad_(True)
    tdh = torch.tensor(dh)

    def run_numpy():
        h, cache = rnn_forward(x, h0, U, W, b)
        return h, rnn_backward(dh, cache)

    def run_torch():
        rnn.zero_grad(set_to_none=True)
        tx.grad = th0.grad = None
        out, _ = rnn(tx, th0)
        out.backward(tdh)
        return out

    # Same numbers first, then the clock.
    h, (dx, dh0, dU, dW, db) = run_numpy()
    out = run_torch()
    worst = max(
        float(np.max(np.abs(a - t.detach().numpy())) / max(np.max(np.abs(a)), 1e-300))
        for a, t in [(h, out), (dx, tx.grad), (dh0, th0.grad[0]), (dU, rnn.weight_ih_l0.grad),
                     (dW, rnn.weight_hh_l0.grad), (db, rnn.bias_ih_l0.grad)]
    )

    (np_median, np_min), (torch_median, torch_min) = timed([run_numpy, run_torch], args.repeats, args.warmup)

    print(f"RNN forward + backward, N={N} T={T} D={D} H={H}, float64, CPU "
          f"(torch {torch.__version__}, {torch.get_num_threads()} threads; numpy {np.__version__})")
    print(f"  numpy reference (rnn_forward + rnn_backward): median {np_median * 1e3:8.2f} ms   min {np_min * 1e3:8.2f} ms")
    print(f"  torch.nn.RNN autograd (forward + backward):   median {torch_median * 1e3:8.2f} ms   min {torch_min * 1e3:8.2f} ms")
    print(f"  ratio numpy / torch (medians): {np_median / torch_median:.2f}x   (target: at most 2x)")
    print(f"  largest difference in h and the gradients (relative to each array's max): {worst:.1e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
