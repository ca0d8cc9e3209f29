"""NumPy reference LSTM (forward + BPTT) against PyTorch CPU autograd, same sizes, float64.

    python benchmarks/bench_lstm.py [--batch 32] [--steps 64] [--input 128] [--hidden 128]
                                    [--repeats 15] [--warmup 3] [--threads N] [--gru]

Times ``lstm_forward`` + ``lstm_backward`` of the reference solution (solutions/lstm_gru/lstm_gru.ipynb,
loaded through tests/solution_code.py) and ``torch.nn.LSTM`` forward + ``backward`` with the same
weights, inputs and upstream gradient (zero initial cell state, as in the course). With ``--gru``
it also times the reference GRU against the same course formula written in torch and run by
autograd (``torch.nn.GRU`` computes a different function; see the notebook). Prints the median
(and min) of ``--repeats`` runs after ``--warmup`` runs (interleaved), the ratio numpy / torch,
and checks first that both compute the same numbers. Not a test: timings depend on the machine and
its load.
"""
import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from solution_code import load_solution  # noqa: E402
from timing import timed  # noqa: E402



def largest_difference(pairs):
    """Largest |a - b| relative to max |b| over (numpy array, torch tensor) pairs."""
    return max(float(np.max(np.abs(a - t.detach().numpy())) / max(np.max(np.abs(t.detach().numpy())), 1e-300))
               for a, t in pairs)


def bench_lstm(ref, torch, N, T, D, H, repeats, warmup):
    torch.manual_seed(0)
    lstm = torch.nn.LSTM(D, H, batch_first=True, dtype=torch.float64)
    U = lstm.weight_ih_l0.detach().numpy().copy()
    W = lstm.weight_hh_l0.detach().numpy().copy()
    b = (lstm.bias_ih_l0 + lstm.bias_hh_l0).detach().numpy()
    rng = np.random.default_rng(0)
    x, h0, dh = rng.standard_normal((N, T, D)), rng.standard_normal((N, H)), rng.standard_normal((N, T, H))
    tx = torch.tensor(x, requires_grad=True)
    th0 = torch.tensor(h0)[None].requires_grad_(True)
    tc0 = torch.zeros(1, N, H, dtype=torch.float64)
    tdh = torch.tensor(dh)

    def run_numpy():
        h, cache = ref["lstm_forward"](x, h0, U, W, b)
        return h, ref["lstm_backward"](dh, cache)

    def run_torch():
        lstm.zero_grad(set_to_none=True)
        tx.grad = th0.grad = None
        out, _ = lstm(tx, (th0, tc0))
        out.backward(tdh)
        return out

    h, (dx, dh0, dU, dW, db) = run_numpy()
    out = run_torch()
    worst = largest_difference([(h, out), (dx, tx.grad), (dh0, th0.grad[0]), (dU, lstm.weight_ih_l0.grad),
                                (dW, lstm.weight_hh_l0.grad), (db, lstm.bias_ih_l0.grad)])
    return timed([run_numpy, run_torch], repeats, warmup), worst


def bench_gru(ref, torch, N, T, D, H, repeats, warmup):
    rng = np.random.default_rng(1)
    s = 1 / np.sqrt(H)
    U, W, b = (rng.uniform(-s, s, size=shape) for shape in [(3 * H, D), (3 * H, H), (3 * H,)])
    x, h0, dh = rng.standard_normal((N, T, D)), rng.standard_normal((N, H)), rng.standard_normal((N, T, H))
    tensors = [torch.tensor(a, requires_grad=True) for a in (x, h0, U, W, b)]
    tdh = torch.tensor(dh)

    def run_numpy():
        h, cache = ref["gru_forward"](x, h0, U, W, b)
        return h, ref["gru_backward"](dh, cache)

    def run_torch():
        for t in tensors:
            t.grad = None
        tx, th, tU, tW, tb = tensors
        xu = (tx @ tU.T + tb).unbind(1)             # input terms of all steps at once
        W_rz, W_n = tW[:2 * H], tW[2 * H:]
        states = []
        for t in range(T):
            r, z = torch.sigmoid(xu[t][:, :2 * H] + th @ W_rz.T).chunk(2, dim=1)
            n = torch.tanh(xu[t][:, 2 * H:] + (r * th) @ W_n.T)
            th = th + z * (n - th)
            states.append(th)
        out = torch.stack(states, dim=1)
        out.backward(tdh)
        return out

    h, grads = run_numpy()
    out = run_torch()
    worst = largest_difference([(h, out)] + [(g, t.grad) for g, t in zip(grads, tensors)])
    return timed([run_numpy, run_torch], repeats, warmup), worst


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batch", "-N", type=int, default=32)
    parser.add_argument("--steps", "-T", type=int, default=64)
    parser.add_argument("--input", "-D", type=int, default=128)
    parser.add_argument("--hidden", "-H", type=int, default=128)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--threads", type=int, default=None, help="torch.set_num_threads (default: torch's own)")
    parser.add_argument("--gru", action="store_true", help="also time the GRU against autograd of the course formula")
    args = parser.parse_args(argv)

    import torch

    if args.threads:
        torch.set_num_threads(args.threads)
    ref = load_solution("lstm_gru")
    sizes = (args.batch, args.steps, args.input, args.hidden)
    N, T, D, H = sizes
    print(f"forward + backward, N={N} T={T} D={D} H={H}, float64, CPU "
          f"(torch {torch.__version__}, {torch.get_num_threads()} threads; numpy {np.__version__})")

    ((np_median, np_min), (t_median, t_min)), worst = bench_lstm(ref, torch, *sizes, args.repeats, args.warmup)
    print(f"  numpy reference (lstm_forward + lstm_backward): median {np_median * 1e3:8.2f} ms   min {np_min * 1e3:8.2f} ms")
    print(f"  torch.nn.LSTM autograd (forward + backward):    median {t_median * 1e3:8.2f} ms   min {t_min * 1e3:8.2f} ms")
    print(f"  ratio numpy / torch (medians): {np_median / t_median:.2f}x   (target: at most 2x)")
    print(f"  largest difference in h and the gradients (relative to each array's max): {worst:.1e}")

    if args.gru:
        ((np_median, np_min), (t_median, t_min)), worst = bench_gru(ref, torch, *sizes, args.repeats, args.warmup)
        print(f"  numpy reference (gru_forward + gru_backward):   median {np_median * 1e3:8.2f} ms   min {np_min * 1e3:8.2f} ms")
        print(f"  torch autograd of the course GRU formula:       median {t_median * 1e3:8.2f} ms   min {t_min * 1e3:8.2f} ms")
        print(f"  ratio numpy / torch (medians): {np_median / t_median:.2f}x")
        print(f"  largest difference in h and the gradients (relative to each array's max): {worst:.1e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
