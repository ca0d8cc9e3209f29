"""A blank notebook whose rnn_step_forward prints 40 kB in one go before failing, so the test's error comes after the output cap.

expect: zero
base: release
"""
# %% rnn_step_forward
def rnn_step_forward(x, h_prev, U, W, b):
    print("debug " * 7000)
    raise NotImplementedError()
