"""The fork server's wire (autograder.zygote.send / receive): a length, JSON, descriptors with the first bytes."""
import os
import socket

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
