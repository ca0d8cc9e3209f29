"""Sends data to a remote host (UDP to 192.0.2.1) before defining mle_prob.

Connecting a UDP socket needs only a route, so on a networked grader the send succeeds and the cell
goes on to define a correct mle_prob (full). The sandbox has no network: the connect raises
OSError (network unreachable), the cell stops before the def and the mle tests fail: less.

expect: less
base: solution
"""
# %% mle_prob
import socket

_s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
_s.connect(("192.0.2.1", 9))
_s.send(b"my notebook, for my friends")
_s.close()


def mle_prob(word, context, ngram_counts, context_counts):
    total = context_counts[tuple(context)]
    return ngram_counts[tuple(context) + (word,)] / total if total else 0.0
