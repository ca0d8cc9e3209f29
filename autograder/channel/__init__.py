"""The narrow channel between the trusted test process and a student's kernel.

The hidden tests never run in the student's process. The grader runs each test cell itself and
reaches the student's functions through this channel, which carries data only:

- :mod:`autograder.channel.wire`: the message format: plain values, NumPy arrays, tensors and
  random generators by value, anything else as a numbered reference, and nothing that could run
  code when it is read (no pickle);
- :mod:`autograder.channel.peer`: one end of the channel: calls, call-backs, references,
  in-place updates copied back, gradients across the boundary, and what each side may ask;
- :mod:`autograder.channel.kernel`: the kernel's end, started once per test cell.

This package holds no test and no answer: the sandbox shows it to the student's kernel, which
imports its kernel end.
"""
