"""The course autograder: a small front end over nbgrader's Python API (``NbGraderAPI``).

``python -m autograder --help`` (or ``course-grade --help``) lists the commands:

- ``release``: regenerate ``exercises/`` from ``solutions/`` (or check that it is up to date);
- ``demo``: the TA pipeline on example submissions, end to end;
- ``grade``: autograde a real class in a course directory, one student or all;
- ``cases``: grade the example, mistaken and hostile submissions in ``autograder/cases/`` and check
  that each gets the outcome it declares.

Grading goes through :mod:`autograder.hardened` (canonical notebooks, tamper scan, explicit
outcomes, journal, process pool or Dask) with kernels sandboxed by :mod:`autograder.sandbox`.
"""
