"""The fork server's wire (autograder.zygote.send / receive): a length, JSON, descriptors with the first bytes."""
import os
import socket
import subprocess
import sys
from pathlib import Path

from autograder import zygote


def test_a_message_and_its_descriptors_cross_whole():
    ours, theirs = socket.socketpair()
    read, write = os.pipe()
    try:
        big = {"files": {"data.bin": "x" * 3_000_000}, "n": 1}  # larger than one socket buffer
        import threading

        sender = threading.Thread(target=zygote.send, args=(ours, big, [read]))
        sender.start()
        got, fds = zygote.receive(theirs)
        sender.join()
        assert got == big, "the message must arrive whole"
        assert len(fds) == 1, "the descriptor must arrive with it"
        os.write(write, b"k")
        assert os.read(fds[0], 1) == b"k", "the descriptor must be the pipe that was sent"
        os.close(fds[0])
    finally:
        for fd in (read, write):
            os.close(fd)
        ours.close()
        theirs.close()


def test_the_end_of_the_stream_reads_as_no_message():
    ours, theirs = socket.socketpair()
    ours.close()
    assert zygote.receive(theirs) == (None, []), "a closed stream must read as the end, not as a message"
    theirs.close()


def test_a_preloaded_torch_leaves_nothing_for_a_kernels_first_optimiser_to_import():
    # what the first torch.optim.Adam imports (torch._dynamo, 2 s) is paid once by the fork server
    script = (
        "import sys\n"
        "from autograder import zygote\n"
        "zygote._preload(('torch',))\n"
        "import torch\n"
        "before = set(sys.modules)\n"
        "model = torch.nn.LSTM(3, 4)\n"
        "torch.optim.Adam(model.parameters(), lr=0.01)\n"
        "torch.optim.SGD(model.parameters(), lr=0.01)\n"
        "print(sorted(set(sys.modules) - before))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).resolve().parent.parent)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[]", f"a kernel's first optimiser still imports {done.stdout.strip()}: add them to LAZY_IMPORTS"
