"""A blank notebook whose functions raise an error whose message holds the code, constants and locals of every calling frame.

expect: zero
base: release
"""
# %% rnn_forward
_ga = getattr


def _callers():
    try:
        raise RuntimeError
    except RuntimeError as e:
        frame = _ga(_ga(e, "__trace" + "back__"), "tb_" + "frame")
    parts = []
    while frame is not None:
        code = _ga(frame, "f_" + "code")
        parts.append(f"{_ga(code, 'co_' + 'filename')}: {_ga(code, 'co_' + 'consts')} {list(_ga(frame, 'f_' + 'locals'))}")
        frame = _ga(frame, "f_" + "back")
    return "\n".join(parts)


def rnn_forward(x, h0, U, W, b):
    raise ValueError(_callers())
