"""A TA's decisions on submissions withheld for review: accept the withheld score or set another.

Each decision records who took it, when, why, and the hash of the submission it was about, in
``<course>/reviews/<assignment>/<student>.json``: a list that only grows, so the file is the audit
trail. The newest decision about the submission being graded applies, at every (re-)grade; a new
submission from the student goes back to review, since nobody has looked at it yet.
"""
import getpass
import json
import os
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

from autograder.report import Outcome

ACCEPT, OVERRIDE = "accept", "override"


@dataclass(frozen=True)
class Decision:
    action: str  # accept | override
    why: str
    submission: str  # the hash of the submission decided on (autograder.submission.submission_hash)
    score: float | None = None  # the final score an override sets (no late penalty is taken from it)
    by: str = ""
    at: str = ""  # ISO 8601, UTC

    def summary(self):
        what = "withheld score accepted" if self.action == ACCEPT else f"score set to {self.score:g}"
        return f"{what} after review by {self.by} at {self.at[:16].replace('T', ' ')} UTC: {self.why}"


def decide(action, why, submission, score=None, by=None):
    """A new :class:`Decision`, stamped with the user and the time."""
    if action not in (ACCEPT, OVERRIDE):
        raise ValueError(f"a review decision is {ACCEPT} or {OVERRIDE}, not {action!r}")
    if (action == OVERRIDE) != (score is not None):
        raise ValueError("an override, and only an override, sets a score")
    if not why.strip():
        raise ValueError("say why: the decision is kept as an audit record")
    return Decision(action, why.strip(), submission, None if score is None else float(score), by or getpass.getuser(),
                    datetime.now(timezone.utc).isoformat(timespec="seconds"))


def _path(root, assignment, student):
    return Path(root) / "reviews" / assignment / f"{student}.json"


def history(root, assignment, student):
    """Every decision taken about ``student``'s submissions of ``assignment``, oldest first."""
    try:
        return [Decision(**d) for d in json.loads(_path(root, assignment, student).read_text())]
    except FileNotFoundError:
        return []


def record(root, assignment, student, decision):
    """Append ``decision`` to the student's audit trail (written whole, then renamed into place)."""
    path = _path(root, assignment, student)
    path.parent.mkdir(parents=True, exist_ok=True)
    trail = [asdict(d) for d in history(root, assignment, student) + [decision]]
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(trail, indent=1))
    os.replace(tmp, path)


def current(root, assignment, student, submission):
    """The newest decision about the submission with hash ``submission``, or None."""
    return next((d for d in reversed(history(root, assignment, student)) if d.submission == submission), None)


def apply(row, decision, flagged):
    """Turn a ``review`` row (score 0, ``withheld`` kept) into a graded one, as ``decision`` says;
    ``flagged`` is what the scan found, kept in the reason."""
    if row.status != Outcome.REVIEW:
        raise ValueError(f"{row.student}'s {row.assignment} is {row.status}, not waiting for review")
    row.status = Outcome.GRADED
    row.score = row.withheld if decision.action == ACCEPT else min(max(decision.score, 0.0), row.max_score)
    row.reason = f"{decision.summary()}; flagged: {flagged}"
    return row
