"""Reference code of the ``lstm_gru`` unit that later units build on: the forward steps of the LSTM
and GRU cells (layout and equations: ``lmcourse.cells``).

Course staff only until the lstm_gru unit's solutions are released (``course-grade release-solutions
lstm_gru``): the student edition holds this module from then on, never before.
"""
import numpy as np

from lmcourse.cells import sigmoid


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
