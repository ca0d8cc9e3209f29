"""Reading what a student handed in, without trusting it.

A submission folder may hold anything: links to the instructor's files, named pipes, devices,
folders, huge files, files named to shadow a library. :func:`read_submission` looks at each
entry without following it (``lstat``), opens notebooks with ``O_NOFOLLOW`` and checks again
after opening, reads at most a fixed number of bytes, and keeps only regular files; everything
else is refused with a reason that goes into the student's row. :func:`submission_hash` never
opens anything but regular files, so a special file cannot hang or abort the class.

Student ids become folder names and CSV cells: :func:`valid_student_id` accepts only plain ids.
"""
import errno
import hashlib
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

MAX_NOTEBOOK_BYTES = 20 * 2**20
MAX_EXTRA_FILE_BYTES = 10 * 2**20  # all the other files of a submission together
MAX_ANSWER_BYTES = 1 * 2**20  # all the student's code together
_STUDENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}")


class SubmissionError(Exception):
    """The submission cannot be graded (the message says why, for the student's row)."""


def valid_student_id(student):
    """Whether ``student`` is a plain id: letters, digits and ``. _ @ + -``, not starting with a dot."""
    return isinstance(student, str) and bool(_STUDENT_ID.fullmatch(student)) and ".." not in student


@dataclass
class Submission:
    notebooks: dict = field(default_factory=dict)  # file name -> NotebookNode (regular files only)
    files: list = field(default_factory=list)  # other regular files to show the kernel: (name, bytes)
    refused: list = field(default_factory=list)  # reasons for the entries left out


def _kind(mode):
    if stat.S_ISLNK(mode):
        return "a link"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISREG(mode):
        return "a file"
    return "a special file"


def read_regular(path, limit):
    """The bytes of ``path`` if it is a regular file (not a link) of at most ``limit`` bytes."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise SubmissionError(f"{Path(path).name} is a link") from None
        raise SubmissionError(f"{Path(path).name} cannot be read: {exc.strerror}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise SubmissionError(f"{Path(path).name} is {_kind(info.st_mode)}, not a file")
        if info.st_size > limit:
            raise SubmissionError(f"{Path(path).name} is larger than {limit >> 20} MB")
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise SubmissionError(f"{Path(path).name} is larger than {limit >> 20} MB")
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_notebook(path):
    """The notebook at ``path``; SubmissionError when it is not a readable notebook file."""
    data = read_regular(path, MAX_NOTEBOOK_BYTES)
    try:
        nb = nbformat.reads(data.decode("utf-8"), as_version=4)
    except Exception as exc:  # noqa: BLE001 (any unreadable file is the submission's fault)
        raise SubmissionError(f"invalid notebook {Path(path).name}: {str(exc).splitlines()[0][:150] if str(exc) else type(exc).__name__}") from None
    if not isinstance(nb.get("cells"), list):
        raise SubmissionError(f"invalid notebook {Path(path).name}: it has no list of cells")
    return nb


def read_submission(folder):
    """What is usable in ``folder``: its notebooks, its other regular files, and the reasons for the rest.

    Notebooks that cannot be read raise :class:`SubmissionError` (the student's row is ``failed``).
    """
    sub, extra = Submission(), 0
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        raise SubmissionError(f"the submission folder cannot be read: {exc.strerror}") from None
    for entry in entries:
        shown = _printable(entry.name)
        mode = entry.stat(follow_symlinks=False).st_mode
        if not stat.S_ISREG(mode):
            sub.refused.append(f"{shown} is {_kind(mode)}: not used")
        elif entry.name.endswith(".ipynb"):
            sub.notebooks[entry.name] = read_notebook(entry.path)
        elif extra + entry.stat(follow_symlinks=False).st_size > MAX_EXTRA_FILE_BYTES:
            sub.refused.append(f"{shown} is over the {MAX_EXTRA_FILE_BYTES >> 20} MB allowed for files besides the notebook: not used")
        elif not _safe_file_name(entry.name):
            sub.refused.append(f"{shown} has a name the grader does not use")
        else:
            try:
                data = read_regular(entry.path, MAX_EXTRA_FILE_BYTES)
            except SubmissionError as exc:
                sub.refused.append(f"{exc}: not used")
                continue
            extra += len(data)
            sub.files.append((entry.name, data))
    return sub


def _safe_file_name(name):
    return not name.startswith(".") and "/" not in name and name.isprintable() and len(name) <= 200


def _printable(name):
    return "".join(c if c.isprintable() else "?" for c in name)[:100]


def submission_hash(folder):
    """A digest of what ``folder`` holds (names, kinds, contents of regular files, link targets),
    made without opening anything but regular files; never raises."""
    h = hashlib.sha256()
    stack = [Path(folder)]
    while stack:
        current = stack.pop()
        try:
            entries = sorted(os.scandir(current), key=lambda e: e.name)
        except OSError as exc:
            h.update(f"unreadable {exc.errno}".encode())
            continue
        for entry in entries:
            rel = os.path.relpath(entry.path, folder).encode("utf-8", "surrogateescape")
            try:
                mode = entry.stat(follow_symlinks=False).st_mode
                h.update(rel + b"\0" + _kind(mode).encode())
                if stat.S_ISDIR(mode):
                    stack.append(Path(entry.path))
                elif stat.S_ISLNK(mode):
                    h.update(os.fsencode(os.readlink(entry.path)))
                elif stat.S_ISREG(mode):
                    h.update(read_regular(entry.path, MAX_NOTEBOOK_BYTES + MAX_EXTRA_FILE_BYTES))
            except (OSError, SubmissionError) as exc:
                h.update(str(exc).encode("utf-8", "replace"))
    return h.hexdigest()[:16]
