"""Forward steps of the course's three recurrent cells, vectorised over the batch (NumPy, float64).

The later units (bidirectional and stacked RNNs, the lectures) import these instead of copying the
cells written in the RNN and LSTM/GRU assignments. Only the forward step is here; the backward
passes stay exercises.

Layout (as in ``torch.nn``, so that PyTorch weights load directly): with G blocks of H rows,

- ``U`` is the input-to-hidden matrix, shape (G*H, D) (``weight_ih_l0``);
- ``W`` is the hidden-to-hidden matrix, shape (G*H, H) (``weight_hh_l0``);
- ``b`` is one bias, shape (G*H,) (``bias_ih_l0 + bias_hh_l0`` for the RNN and the LSTM);
- rows k*H .. (k+1)*H - 1 belong to block k.

G = 1 for the RNN, 4 for the LSTM (blocks i, f, g, o) and 3 for the GRU (blocks r, z, n).
The GRU is the one of Cho et al. (2014) taught in the course: the reset gate multiplies the state
*before* the matrix product and the update gate weights the *new* candidate::

    r = sigmoid(x U_r^T + h W_r^T + b_r)
    z = sigmoid(x U_z^T + h W_z^T + b_z)
    n = tanh(x U_n^T + (r * h) W_n^T + b_n)
    h' = (1 - z) * h + z * n

``torch.nn.GRU`` differs (reset after the product, update gate reversed); with a diagonal W_hn,
b_hn = 0 and the z blocks negated the two coincide (see ``tests/test_cells.py``).

Shapes: x (N, D), h and c (N, H); every function returns new arrays and never modifies its inputs.
"""
import numpy as np

__all__ = ["sigmoid", "rnn_cell", "lstm_cell", "gru_cell", "CELLS", "GATES"]

GATES = {"rnn": 1, "lstm": 4, "gru": 3}
"""Number of stacked blocks G of each cell."""


def sigmoid(a):
    """Logistic function ``1 / (1 + exp(-a))``, elementwise, without overflow for large ``|a|``.

    ``np.exp`` is only ever called on ``-|a| <= 0``, so it never overflows.
    """
    a = np.asarray(a, dtype=np.float64)
    e = np.exp(-np.abs(a))
    return np.where(a >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def rnn_cell(x, h, U, W, b):
    """One step of an Elman RNN: ``h' = tanh(x U^T + h W^T + b)``.

    Args:
        x: inputs, shape (N, D).
        h: previous hidden state, shape (N, H).
        U: (H, D); W: (H, H); b: (H,).
    Returns:
        the next hidden state, shape (N, H).
    """
    return np.tanh(x @ U.T + h @ W.T + b)


def lstm_cell(x, h, c, U, W, b):
    """One step of an LSTM (blocks i, f, g, o as in ``torch.nn.LSTM``).

    ``c' = f * c + i * g`` and ``h' = o * tanh(c')`` with i, f, o sigmoids and g a tanh of the
    blocks of ``x U^T + h W^T + b``.

    Args:
        x: inputs, shape (N, D).
        h: previous hidden state, shape (N, H).
        c: previous cell state, shape (N, H).
        U: (4H, D); W: (4H, H); b: (4H,).
    Returns:
        (h_next, c_next), each of shape (N, H).
    """
    H = h.shape[-1]
    a = x @ U.T + h @ W.T + b
    i, f, o = sigmoid(a[..., :H]), sigmoid(a[..., H:2 * H]), sigmoid(a[..., 3 * H:])
    g = np.tanh(a[..., 2 * H:3 * H])
    c_next = f * c + i * g
    return o * np.tanh(c_next), c_next


def gru_cell(x, h, U, W, b):
    """One step of the course GRU (Cho et al. 2014; blocks r, z, n).

    ``n = tanh(x U_n^T + (r * h) W_n^T + b_n)`` and ``h' = (1 - z) * h + z * n``.

    Args:
        x: inputs, shape (N, D).
        h: previous hidden state, shape (N, H).
        U: (3H, D); W: (3H, H); b: (3H,).
    Returns:
        the next hidden state, shape (N, H).
    """
    H = h.shape[-1]
    xu = x @ U.T + b
    rz = sigmoid(xu[..., :2 * H] + h @ W[:2 * H].T)
    r, z = rz[..., :H], rz[..., H:]
    n = np.tanh(xu[..., 2 * H:] + (r * h) @ W[2 * H:].T)
    return (1.0 - z) * h + z * n


CELLS = {"rnn": rnn_cell, "lstm": lstm_cell, "gru": gru_cell}
"""The step functions by name."""
