"""Ignores SIGINT and loops forever in an answer cell, so nbclient's interrupt cannot stop it.

The per-submission wall-clock watchdog must kill the sandbox: failed, with a timeout reason, and
the rest of the class is graded normally.

expect: failed
base: solution
"""
# %% build_vocab
import signal

signal.signal(signal.SIGINT, signal.SIG_IGN)
while True:
    pass
