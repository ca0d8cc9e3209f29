"""The kernel's end of the channel: answer the tests' requests for the length of one test cell.

The grader runs ``serve_code(session)`` in the student's kernel in place of each test cell. The
socket was handed to the kernel when it started (its file descriptor is in
``LMCOURSE_CHANNEL_FD``); ``session`` names the test cell, so that nothing left on the socket
by an earlier cell (a request given up on, an end that was never read) is taken for this one's.
"""
import os
import socket

from autograder.channel.peer import KERNEL, Peer

ENV_VAR = "LMCOURSE_CHANNEL_FD"
# one peer for the kernel's life: its reader may hold bytes of the next cell's messages, read with
# the end of this one, which a new reader would never see
_PEER = []


def serve_code(session):
    """The code the kernel runs in place of a test cell."""
    return f'__import__("autograder.channel.kernel", fromlist=["serve"]).serve({session!r})'


def serve(session):
    """Answer requests on the names of the notebook until the tests end the cell ``session``."""
    if not _PEER:
        from IPython import get_ipython

        _PEER.append(Peer(socket.socket(fileno=int(os.environ[ENV_VAR])), KERNEL, namespace=get_ipython().user_ns))
    _PEER[0].serve(session)
