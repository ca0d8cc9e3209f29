"""The layout of the course's three recurrent cells (NumPy, float64), and the sigmoid they use.

The forward steps themselves are graded in the rnn and lstm_gru units; their reference code, which
the bidirectional unit builds on, is ``lmcourse.reference.rnn`` and ``lmcourse.reference.lstm_gru``,
in the student edition once those units' solutions are released.

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

__all__ = ["sigmoid"]


def sigmoid(a):
    """Logistic function ``1 / (1 + exp(-a))``, elementwise, without overflow for large ``|a|``.

    ``np.exp`` is only ever called on ``-|a| <= 0``, so it never overflows.
    """
    a = np.asarray(a, dtype=np.float64)
    e = np.exp(-np.abs(a))
    return np.where(a >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
