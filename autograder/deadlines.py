"""Due dates, extensions and the late penalty, from ``deadlines.toml`` in the course directory.

::

    [late]
    grace_minutes = 15      # late by up to this much: no penalty
    percent_per_day = 10    # of the score, for each day or part of a day late after the grace period
    max_percent = 50        # the most lateness can take (100: a late enough submission scores 0)

    [due]                   # a time with its UTC offset (Z, +01:00, ...)
    ngram = 2026-10-05T23:59:00Z
    rnn = 2026-10-12T23:59:00+02:00

    [extensions.ngram]      # days added to that student's due date
    alice = 3
    "b.ob" = 0.5

The dates and extensions go into nbgrader's gradebook (an assignment's due date, a submission's
extension), and :class:`LatePolicy` is nbgrader's late-submission plugin, so nbgrader's
``AssignLatePenalties`` works out the penalty and the formgrader and the feedback show it.

When a submission was handed in is nbgrader's ``timestamp.txt``, which a student's own server
writes. :func:`received_at` gives the time the grader can trust instead: a file's change time
(ctime) is set by the kernel to "now" on every change and no user can set it back, so the newest
ctime in the exchange's copy of a submission is no earlier than the submission really is.
``autograder.exchange.OwnedCollect`` writes it into the collected ``timestamp.txt``.
"""
import math
import os
import tomllib
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from nbgrader.plugins import LateSubmissionPlugin
from traitlets import Float

FILE = "deadlines.toml"
TIMESTAMP = "timestamp.txt"
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S.%f UTC"  # nbgrader's own format, in UTC
DAY_SECONDS = 86400


class DeadlineError(ValueError):
    """deadlines.toml says something the grader cannot use; the message says where."""


def penalty_percent(seconds_late, grace_minutes, percent_per_day, max_percent):
    """Percent of the score lost for being ``seconds_late`` (a part of a day counts as a day)."""
    late = seconds_late - 60 * grace_minutes
    if late <= 0:
        return 0.0
    return float(min(max_percent, math.ceil(late / DAY_SECONDS) * percent_per_day))


class LatePolicy(LateSubmissionPlugin):
    """nbgrader's late-submission plugin: the course's policy (set from deadlines.toml)."""

    grace_minutes = Float(0.0, help="Lateness up to this many minutes costs nothing").tag(config=True)
    percent_per_day = Float(0.0, help="Percent of the score lost per day, or part of a day, late after the grace period").tag(config=True)
    max_percent = Float(100.0, help="The most percent of the score that lateness can cost").tag(config=True)

    def late_submission_penalty(self, student_id, score, total_seconds_late):
        return score * penalty_percent(total_seconds_late, self.grace_minutes, self.percent_per_day, self.max_percent) / 100


@dataclass
class Deadlines:
    due: dict = field(default_factory=dict)  # assignment -> due date (naive UTC, as nbgrader stores it)
    extensions: dict = field(default_factory=dict)  # (assignment, student) -> timedelta
    grace_minutes: float = 0.0
    percent_per_day: float = 0.0
    max_percent: float = 100.0

    def __bool__(self):
        return bool(self.due)

    def configure(self, cfg):
        """Make ``cfg`` (an nbgrader config) apply this policy."""
        cfg.AssignLatePenalties.plugin_class = LatePolicy
        cfg.LatePolicy.grace_minutes = self.grace_minutes
        cfg.LatePolicy.percent_per_day = self.percent_per_day
        cfg.LatePolicy.max_percent = self.max_percent

    def record(self, gradebook, assignment, student):
        """Write ``assignment``'s due date and ``student``'s extension into nbgrader's gradebook."""
        gradebook.update_or_create_assignment(assignment, duedate=self.due.get(assignment))
        gradebook.update_or_create_student(student)
        gradebook.update_or_create_submission(assignment, student, extension=self.extensions.get((assignment, student)))


def load(root):
    """The course's :class:`Deadlines` (none when the course directory has no deadlines.toml)."""
    path = os.path.join(root, FILE)
    if not os.path.exists(path):
        return Deadlines()
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except tomllib.TOMLDecodeError as exc:
        raise DeadlineError(f"{path}: {exc}") from None
    unknown = set(data) - {"late", "due", "extensions"}
    if unknown:
        raise DeadlineError(f"{path}: unknown section(s) {', '.join(sorted(unknown))} (late, due and extensions are read)")
    late = data.get("late", {})
    unknown = set(late) - {"grace_minutes", "percent_per_day", "max_percent"}
    if unknown:
        raise DeadlineError(f"{path} [late]: unknown key(s) {', '.join(sorted(unknown))}")
    policy = {k: _number(late[k], f"[late] {k}", path, upper=100 if k != "grace_minutes" else None) for k in late}
    due = {name: _utc(when, f"[due] {name}", path) for name, when in data.get("due", {}).items()}
    extensions = {}
    for assignment, students in data.get("extensions", {}).items():
        if not isinstance(students, dict):
            raise DeadlineError(f"{path}: extensions.{assignment} should be a table of student = days")
        for student, days in students.items():
            extensions[assignment, student] = timedelta(days=_number(days, f"[extensions.{assignment}] {student}", path))
    undated = sorted({a for a, _ in extensions} - set(due))
    if undated:
        raise DeadlineError(f"{path}: extensions for {', '.join(undated)}, which has no due date in [due]")
    return Deadlines(due, extensions, **policy)


def _number(value, where, path, upper=None):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0 or (upper is not None and value > upper):
        limit = f" from 0 to {upper}" if upper is not None else " of 0 or more"
        raise DeadlineError(f"{path} {where}: {value!r} should be a number{limit}")
    return float(value)


def _utc(value, where, path):
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise DeadlineError(f"{path} {where}: {value!r} should be a date and time with its UTC offset, "
                            "such as 2026-10-05T23:59:00Z or 2026-10-05T23:59:00+02:00")
    return value.astimezone(timezone.utc).replace(tzinfo=None)


def received_at(folder):
    """The newest change time (ctime) of ``folder`` and of everything in it (links not followed), as
    a naive UTC datetime: a time no student can set earlier than the submission really is."""
    newest = os.lstat(folder).st_ctime
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            newest = max(newest, os.lstat(os.path.join(dirpath, name)).st_ctime)
    return datetime.fromtimestamp(newest, timezone.utc).replace(tzinfo=None)


def write_timestamp(folder, when):
    """Write ``timestamp.txt`` into ``folder`` (replacing any file or link of that name)."""
    path = os.path.join(folder, TIMESTAMP)
    if os.path.lexists(path):
        os.remove(path)
    with open(path, "w") as f:
        f.write(when.strftime(TIMESTAMP_FORMAT))
