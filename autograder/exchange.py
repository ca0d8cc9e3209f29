"""nbgrader's collect, trusting a submission only when its owner is the student it names.

In nbgrader's exchange every student may write into ``inbound/``, and a submission's folder name
(``<student>+<assignment>+<timestamp>+<random>``) says whose it is. Nothing stops alice from
creating ``bob+ngram+<a later time>+x`` there: nbgrader's collect, with its owner check on, only
warns "cheating attempt?" and collects it as bob's newest submission. :class:`OwnedCollect` skips
every folder not owned by the OS user it names (so bob's own newest submission is collected) and
says which it refused. It needs one OS user per student (a hub whose servers run as their users);
where all users share one account (docker-stacks' ``jovyan``), owners tell nobody apart.

nbgrader copies a submission with ``shutil.copytree``, which follows links: a link in alice's
submission to a file the instructor can read (the source notebook with its hidden tests, another
student's work) would arrive in ``submitted/`` as a plain file, readable by her code at grading time.
:class:`OwnedCollect` copies folders and regular files only, each opened relative to its folder
without following a link, so a file swapped for a link while it copies is still left out; links,
pipes, sockets and devices stay behind, and so does a submission folder that is itself a link.

The ``timestamp.txt`` a student's server wrote says when it claims the submission was made. Each
collected submission's ``timestamp.txt`` is rewritten with the later of that claim and the newest
change time of the submission in the exchange (:func:`autograder.deadlines.received_at`), which no
student can set back: a submission cannot dodge its late penalty by claiming an earlier time.

Used through the course directory's configuration (hub/course/nbgrader_config.py)::

    c.ExchangeFactory.collect = "autograder.exchange.OwnedCollect"
"""
import os
import pwd
import shutil
import stat

from nbgrader.exchange.default.collect import ExchangeCollect
from nbgrader.utils import ignore_patterns, parse_utc

from autograder.deadlines import TIMESTAMP, received_at, write_timestamp


class OwnedCollect(ExchangeCollect):
    def init_src(self):
        super().init_src()
        self.src_records = [r for r in self.src_records if self._usable(r)]

    def _sort_by_timestamp(self, records):
        """One student's submissions, their own newest first; refuses (and says so) the others,
        which :meth:`init_src` then leaves out when no submission of their own is left to pick."""
        for record in records:
            if not self._owned(record):
                self.log.warning("Refused %s: it names student %s but is not a folder that user wrote",
                                 record["filename"], record["username"])
            elif not self._small_enough(record):
                self.log.warning("Refused %s: over the %s kB allowed for a submission", record["filename"],
                                 self.coursedir.max_dir_size)
        return sorted(records, key=lambda r: (self._usable(r), r["timestamp"]), reverse=True)

    def _usable(self, record):
        return self._owned(record) and self._small_enough(record)

    def _small_enough(self, record):
        """Within nbgrader's size limit: checked here, so that the student's newest submission within
        it is taken (nbgrader's own copy stops the whole collect on one that is too big)."""
        return self.get_size(os.path.join(self.inbound_path, record["filename"])) <= 1000 * self.coursedir.max_dir_size

    def _owned(self, record):
        """Whether the record's folder is a folder (not a link) owned by the student it names."""
        try:
            info = os.lstat(os.path.join(self.inbound_path, record["filename"]))
            return stat.S_ISDIR(info.st_mode) and pwd.getpwuid(info.st_uid).pw_name == record["username"]
        except (OSError, KeyError):
            return False

    def do_copy(self, src, dest):
        """nbgrader's copy (file size limit, ignore and include patterns), without following anything."""
        ignore = ignore_patterns(exclude=self.coursedir.ignore, include=self.coursedir.include,
                                 max_file_size=self.coursedir.max_file_size, log=self.log)
        try:
            copy_plain(src, dest, ignore, 1000 * self.coursedir.max_file_size)
        except OSError as exc:  # the folder became a link after it was checked, or vanished
            self.log.warning("Refused %s: %s", src, exc)
            shutil.rmtree(dest, ignore_errors=True)
            return
        write_timestamp(dest, _trusted_time(src, os.path.join(dest, TIMESTAMP)))


_OPEN = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC  # a link fails to open; a pipe never blocks


def copy_plain(src, dest, ignore, max_file_bytes):
    """Copy the folder ``src`` to the new folder ``dest``: its folders and regular files only, none
    over ``max_file_bytes``, leaving out what ``ignore(folder, names)`` names. Nothing is followed."""
    fd = os.open(src, _OPEN | os.O_DIRECTORY)
    try:
        _copy_folder(fd, src, dest, ignore, max_file_bytes)
    finally:
        os.close(fd)


def _copy_folder(folder_fd, shown, dest, ignore, max_file_bytes):
    os.mkdir(dest)
    names = os.listdir(folder_fd)
    for name in sorted(set(names) - set(ignore(shown, names))):
        try:
            fd = os.open(name, _OPEN, dir_fd=folder_fd)
        except OSError:  # a link (ELOOP), or gone
            continue
        try:
            mode = os.fstat(fd).st_mode
            if stat.S_ISDIR(mode):
                _copy_folder(fd, os.path.join(shown, name), os.path.join(dest, name), ignore, max_file_bytes)
            elif stat.S_ISREG(mode):
                _copy_file(fd, os.path.join(dest, name), max_file_bytes)
        finally:
            os.close(fd)


def _copy_file(fd, dest, max_file_bytes):
    with open(dest, "wb") as out:
        copied = 0
        while chunk := os.read(fd, 1 << 20):
            copied += len(chunk)
            if copied > max_file_bytes:  # it grew after the size check
                break
            out.write(chunk)
    if copied > max_file_bytes:
        os.remove(dest)


def _trusted_time(src, claimed_file):
    """The later of the time claimed in ``claimed_file`` (if it holds one) and when ``src`` last changed."""
    received = received_at(src)
    try:
        with open(claimed_file) as f:
            claimed = parse_utc(f.read(200).strip())
    except (OSError, ValueError, OverflowError, UnicodeDecodeError):
        return received
    return max(claimed, received)
