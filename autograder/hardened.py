"""The hardened grading path: canonical notebooks, a sandboxed kernel, tests outside it, explicit outcomes, a journal.

:func:`grade_one` takes one submission through named steps, each of which may end it with an
outcome; :func:`grade_one` alone records that outcome (the journal entry
``<course>/results/<assignment>/<student>.json``):

1. **read** (:mod:`autograder.submission`): regular files only, never a link, with size limits;
2. **canonicalise**: every cell comes from the release, in the release's order, with the
   release's metadata, except the answer cells, whose source is the student's (matched by grade
   id; the first copy wins when a cell was duplicated) and cells the student added, which stay
   after the cell they followed. Edited, deleted, duplicated or reordered test cells and changed
   points or grade ids therefore cannot change the grade;
3. **scan** the student's code (:mod:`autograder.tamper`); a flagged submission is still run but
   its score is withheld for manual review. Grades do not depend on the scan: it finds what a TA
   should look at;
4. **run**: nbgrader autogrades the canonical copy, the kernel in a bubblewrap sandbox
   (:mod:`autograder.sandbox`) under a wall-clock limit, the tests in the grader's process
   (:mod:`autograder.execute`);
5. **score** from nbgrader's gradebook;
6. **feedback**: hidden-test text scrubbed (:mod:`autograder.leaks`), then nbgrader's feedback,
   with the instructor's hint for a diagnosed mistake (:mod:`autograder.diagnosis`), checked once
   more and capped in size.

Every student gets exactly one outcome: ``graded``, ``review`` (score withheld, reasons given),
``failed`` (unreadable submission, timeout, crashed kernel, with the reason) or ``missing``.
"""
import json
import os
import shutil
import threading
import time
from dataclasses import asdict
from pathlib import Path

import nbformat

from autograder import deadlines, diagnosis, execute, reviews, sandbox, tamper
from autograder.leaks import HiddenText
from autograder.report import Outcome, Row
from autograder.submission import (MAX_ANSWER_BYTES, SubmissionError, read_submission, submission_hash,
                                   valid_student_id)
from autograder.workers import LocalPool

CANONICAL = "canonical"
MAX_FEEDBACK_BYTES = 5 * 2**20
# a grading process that runs past twice the notebook's wall clock plus this is stopped by the
# class run (the steps around the notebook, feedback and journal, take seconds)
TASK_MARGIN_SECONDS = 120


def _meta(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def canonicalize(release_nb, student_nb):
    """(canonical NotebookNode, notes for the student, [(grade_id or None, source)] student code)."""
    answers = {_meta(c)["grade_id"] for c in release_nb.cells if _meta(c).get("solution")}
    known = {_meta(c).get("grade_id") for c in release_nb.cells if _meta(c).get("grade_id")}
    found, extras, notes = {}, {}, []
    anchor = None
    for cell in student_nb.cells:
        if not isinstance(cell, dict) or not isinstance(cell.get("source", ""), str):
            continue
        gid = _meta(cell).get("grade_id")
        if gid in answers:
            if gid in found:
                notes.append(f"answer cell {gid} appears more than once: the first copy was graded")
            else:
                found[gid] = cell.source
            anchor = gid
        elif gid in known:
            anchor = gid  # a release cell: its content is restored from the release
        elif cell.get("cell_type") == "code" and cell.source.strip() and not any(_meta(cell).get(k) for k in ("grade", "solution", "locked")):
            # a cell the student added; a cell with grading metadata but an unknown id is an
            # edited release cell, restored from the release instead
            extras.setdefault(anchor, []).append(cell.source)
    out = nbformat.v4.new_notebook(metadata=release_nb.metadata)
    student_code = []
    for cell in [None] + list(release_nb.cells):
        if cell is not None:
            cell = nbformat.from_dict(json.loads(json.dumps(cell)))
            gid = _meta(cell).get("grade_id")
            if gid in answers and gid in found:
                cell.source = found[gid]
                student_code.append((gid, found[gid]))
            out.cells.append(cell)
            key = gid
        else:
            key = None
        for source in extras.get(key, []):
            out.cells.append(nbformat.v4.new_code_cell(source))
            student_code.append((None, source))
    missing = sorted(answers - set(found))
    if missing and found:
        notes.append("answer cells not found (graded as unanswered): " + ", ".join(missing))
    return out, notes, student_code


def journal_path(root, assignment, student):
    return Path(root) / "results" / assignment / f"{student}.json"


def read_journal(root, assignment, student):
    path = journal_path(root, assignment, student)
    try:
        data = json.loads(path.read_text())
        return Row(**{k: v for k, v in data.items() if k in Row.__dataclass_fields__}), data.get("hash")
    except (OSError, ValueError, TypeError):
        return None, None


def _write_journal(root, row, digest):
    path = journal_path(root, row.assignment, row.student)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(dict(asdict(row), hash=digest), indent=1))
    os.replace(tmp, path)  # atomic: a killed grader leaves either the old entry or the new one


def release_max_score(release_nbs):
    return float(sum(_meta(c).get("points", 0) or 0 for nb in release_nbs.values() for c in nb.cells if _meta(c).get("grade")))


def release_notebooks(root, assignment):
    release = Path(root) / "release" / assignment
    return {p.name: nbformat.read(p, as_version=4) for p in sorted(release.glob("*.ipynb"))}


def _failure_reason(result, timed_out, wall):
    if timed_out:
        return f"timeout: the notebook ran longer than {wall} s and was stopped"
    text = (result.get("error") or "") + (result.get("log") or "")
    if "DeadKernelError" in text or "Kernel died" in text or "kernel died" in text or "stopped answering" in text:
        return "crashed kernel: the kernel died (os._exit, a crash, or memory exhausted)"
    if "CellTimeoutError" in text or "Timeout" in text:
        return "timeout: a cell ran past the per-cell limit"
    lines = [l for l in text.strip().splitlines() if l.strip()]
    return "nbgrader failed: " + (lines[-1].strip()[:200] if lines else "unknown error")


class Stop(Exception):
    """A step decided the outcome: ``status`` (failed, missing) and ``reason``."""

    def __init__(self, status, reason):
        super().__init__(reason)
        self.status, self.reason = status, reason


class Grading:
    """One submission going through the steps of :func:`grade_one`."""

    def __init__(self, course, assignment, student, wall_seconds):
        self.course, self.assignment, self.student, self.wall = course, assignment, student, wall_seconds
        self.release = release_notebooks(course.root, assignment)
        self.row = Row(student, assignment, Outcome.MISSING, max_score=release_max_score(self.release), isolation=course.isolation)
        self.submitted = course.path("submitted", student, assignment)
        self.digest = submission_hash(self.submitted) if self.submitted.is_dir() else None
        self.notes, self.flags, self.code, self.lost = [], [], [], []

    def run(self):
        """The steps in order; returns the finished :class:`Row`."""
        submission = self._timed("read", self.read)
        self._timed("canonicalise", self.canonicalise, submission)
        self._timed("scan", self.scan)
        execute.TIMINGS.clear()
        started = time.perf_counter()
        result, timed_out = self.execute()
        self._split_autograde(time.perf_counter() - started)
        self._timed("score", self.score, result, timed_out)
        self._timed("feedback", self.feedback)
        return self.row

    def _timed(self, step, fn, *args):
        started = time.perf_counter()
        try:
            return fn(*args)
        finally:
            self.row.steps[step] = time.perf_counter() - started

    def _split_autograde(self, seconds):
        """nbgrader's autograde as its kernel start, the notebook's cells and the rest of its steps."""
        parts = {k: execute.TIMINGS[k] for k in ("kernel_start", "cells") if k in execute.TIMINGS}
        self.row.steps.update(parts, nbgrader=max(0.0, seconds - sum(parts.values())))

    def read(self):
        if os.path.islink(self.submitted) or os.path.islink(self.submitted.parent):
            raise Stop(Outcome.FAILED, "the submission folder is a link, not a folder")
        if not self.submitted.is_dir():
            raise Stop(Outcome.MISSING, "no submission")
        submission = read_submission(self.submitted)
        self.notes += submission.refused
        if not submission.notebooks:
            raise Stop(Outcome.MISSING, "the submission folder holds no notebook")
        return submission

    def canonicalise(self, submission):
        folder = self.course.path(CANONICAL, self.student, self.assignment)
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        for name, release_nb in self.release.items():
            student_nb = submission.notebooks.get(name)
            others = [n for n in submission.notebooks if n not in self.release]
            if student_nb is None and len(self.release) == 1 and len(others) == 1:
                student_nb = submission.notebooks[others[0]]  # one notebook handed in under another name
                self.notes.append(f"{_shown(others[0])} was graded as {name}")
            if student_nb is None:
                self.notes.append(f"{name} was not submitted")
                student_nb = release_nb
            canonical, notes, code = canonicalize(release_nb, student_nb)
            self.notes += notes
            self.code += code
            nbformat.write(canonical, folder / name)
        if sum(len(source.encode()) for _, source in self.code) > MAX_ANSWER_BYTES:
            raise Stop(Outcome.FAILED, f"the answers hold more than {MAX_ANSWER_BYTES >> 20} MB of code")
        for name, data in submission.files:  # data or helper files the student shipped with the notebook
            if name == deadlines.TIMESTAMP:
                _check_timestamp(data)
            (folder / name).write_bytes(data)

    def scan(self):
        locked = [c.source for nb in self.release.values() for c in nb.cells if c.cell_type == "code" and not _meta(c).get("solution")]
        protected = tamper.protected_names(locked)
        prose = {_meta(c).get("grade_id") for nb in self.release.values() for c in nb.cells if c.cell_type != "code"}
        for gid, source in self.code:
            if gid in prose:  # a written answer (Markdown) never runs: nothing to scan
                continue
            self.flags += [f"{gid or 'an added cell'}: {r}" for r in tamper.scan_cell(source, protected, own_names={gid} if gid else ())]

    def execute(self):
        """Autograde the canonical copy under the wall-clock limit; (nbgrader's result, timed out)."""
        timed_out = threading.Event()

        def on_timeout():
            timed_out.set()
            sandbox.kill_active(self.course.path("autograded", self.student, self.assignment))

        watchdog = threading.Timer(self.wall, on_timeout)
        watchdog.start()
        try:
            result = self.course.autograde(self.assignment, self.student)
        finally:
            watchdog.cancel()
        return result, timed_out.is_set()

    def score(self, result, timed_out):
        scores = self.course.scores(self.assignment, self.student) if result["success"] and not timed_out else None
        if scores is None:
            reason = _failure_reason(result, timed_out, self.wall)
            if self.flags:
                reason += "; also flagged for review: " + "; ".join(dict.fromkeys(self.flags))
            raise Stop(Outcome.FAILED, reason)
        row = self.row
        row.late_seconds, row.late_penalty = self.course.lateness(self.assignment, self.student)
        row.score = scores[0] - row.late_penalty
        if row.late_seconds > 0:
            self.notes.append(_late_note(row.late_seconds, row.late_penalty, scores[0]))
        manual = {g: m for g, (s, m, pending) in scores[2].items() if pending}
        self.lost = lost = sorted(diagnosis.failing(scores[2]))
        self.notes += self._memory_errors()
        if lost:
            self.notes.append("lost points: " + ", ".join(lost))
        if manual:
            row.manual = ", ".join(f"{g} ({m:g} points)" for g, m in sorted(manual.items()))
            row.manual_points = float(sum(manual.values()))
            self.notes.append("needs manual grade: " + row.manual)
        if self.flags:
            flagged = "; ".join(dict.fromkeys(self.flags))
            row.status, row.withheld, row.score = Outcome.REVIEW, row.score, 0.0
            row.reason = f"score {row.withheld:g}/{row.max_score:g} withheld for manual review: {flagged}"
            decision = reviews.current(self.course.root, self.assignment, self.student, self.digest)
            if decision is not None:
                reviews.apply(row, decision, flagged)
        else:
            row.status, row.reason = Outcome.GRADED, "; ".join(self.notes)

    def _memory_errors(self):
        notes = []
        for path in self.course.path("autograded", self.student, self.assignment).glob("*.ipynb"):
            for cell in nbformat.read(path, as_version=4).cells:
                for out in cell.get("outputs", []):
                    if out.get("output_type") == "error" and out.get("ename") == "MemoryError":
                        notes.append(f"MemoryError in {_meta(cell).get('grade_id', 'a cell')} (memory limit)")
        return notes

    def feedback(self):
        removed = self._scrub_hidden_text()
        files = self.course.feedback(self.assignment, self.student)
        entries = diagnosis.cached(self.course.root, self.assignment) if self.lost else None
        if entries:
            diagnosis.annotate_feedback(files, diagnosis.diagnose(self.lost, entries), entries)
        withheld = [p for p in files if not self._feedback_is_safe(p)]
        if removed:
            self._note(f"{removed} passage(s) of hidden-test text removed from the feedback")
        if withheld:
            self._note("feedback withheld: " + ", ".join(p.name for p in withheld) + " would have been too large or shown hidden tests")
        self.row.feedback = ", ".join(str(p.relative_to(self.course.root)) for p in files)

    def _note(self, text):
        self.row.reason = "; ".join(filter(None, [self.row.reason, text]))

    def hidden_text(self):
        source, release = self.course.root / "source" / self.assignment, self.course.root / "release" / self.assignment
        return {name: HiddenText.for_files(source / name, release / name) for name in self.release}

    def _scrub_hidden_text(self):
        self._hidden = self.hidden_text()
        removed = 0
        for name, hidden in self._hidden.items():
            path = self.course.path("autograded", self.student, self.assignment) / name
            if path.is_file():
                nb = nbformat.read(path, as_version=4)
                n = hidden.scrub_notebook(nb)
                if n:
                    nbformat.write(nb, path)
                removed += n
        return removed

    def _feedback_is_safe(self, path):
        """Whether a rendered feedback file may be shown; when not, it is replaced by a short page."""
        page = path.read_text(errors="replace")
        hidden = self._hidden.get(path.with_suffix(".ipynb").name)
        if len(page.encode()) <= MAX_FEEDBACK_BYTES and (hidden is None or not hidden.in_html(page)):
            return True
        path.write_text(f"<!DOCTYPE html><html><body><h1>{self.assignment}: {self.row.score:g}/{self.row.max_score:g}</h1>"
                        "<p>The detailed feedback could not be shown; ask your TA.</p></body></html>")
        return False


def _check_timestamp(data):
    """nbgrader stops on a timestamp.txt it cannot read; say so in the row instead."""
    from nbgrader.utils import parse_utc

    try:
        text = data.decode().strip()
        if text:  # nbgrader takes an empty one for "no time"
            parse_utc(text)
    except (ValueError, OverflowError, UnicodeDecodeError) as exc:
        raise Stop(Outcome.FAILED, f"{deadlines.TIMESTAMP} does not hold a time nbgrader can read ({type(exc).__name__})") from None


def _late_note(seconds, penalty, score):
    days, rest = divmod(int(seconds), 86400)
    late = (f"{days} d " if days else "") + f"{rest // 3600} h {rest % 3600 // 60} min"
    if not penalty:
        return f"late by {late} (within the grace period, or no penalty set)"
    return f"late by {late}: penalty {penalty:g} points ({100 * penalty / score:.0f}% of {score:g})"


def _shown(name):
    return "".join(c if c.isprintable() else "?" for c in name)[:100]


def grade_one(root, assignment, student, db_url=None, isolation="sandbox", wall_seconds=None, tests_in_kernel=False):
    """Grade one student's submission; returns its :class:`Row` (also written to the journal).

    ``wall_seconds`` limits the whole execution of the notebook (default: sandbox.LIMITS);
    ``tests_in_kernel`` runs the tests in the student's kernel (only to compare, see autograder.execute).
    """
    from autograder.course import Course

    if not valid_student_id(student):
        raise ValueError(f"not a valid student id: {student!r}")
    start = time.perf_counter()
    course = Course(root, db_url=db_url, isolation=isolation, tests_in_kernel=tests_in_kernel)
    job = Grading(course, assignment, student, wall_seconds or sandbox.LIMITS.wall_seconds)
    try:
        row = job.run()
    except Stop as stop:
        row = job.row
        row.status, row.score = stop.status, 0.0
        row.reason = "; ".join(filter(None, [stop.reason] + job.notes))
    except SubmissionError as exc:
        row = job.row
        row.status, row.score, row.reason = Outcome.FAILED, 0.0, str(exc)
    row.seconds = time.perf_counter() - start
    _write_journal(root, row, job.digest)
    return row


def _grade_task(task):
    """Process-pool entry point (top level so it pickles)."""
    try:
        return grade_one(**task)
    except Exception as exc:  # never lose a student: record the grader's own failure
        return _grader_error(task["root"], task["assignment"], task["student"], task.get("isolation", ""),
                             f"grader error: {type(exc).__name__}: {exc}"[:300])


def _release_max(root, assignment):
    """The assignment's points, so that a failed row still says what it was out of."""
    try:
        return release_max_score(release_notebooks(root, assignment))
    except Exception:  # noqa: BLE001 (the release itself is unreadable: the row's reason says the rest)
        return 0.0


def _grader_error(root, assignment, student, isolation, reason):
    row = Row(student, assignment, Outcome.FAILED, max_score=_release_max(root, assignment), reason=reason, isolation=isolation)
    if valid_student_id(student):
        _write_journal(root, row, None)
    return row


def grade_class(root, assignment, students, workers=None, db_url=None, isolation="sandbox", regrade=False,
                scheduler=None, wall_seconds=None, progress=True, tests_in_kernel=False):
    """Grade ``students`` in parallel; returns one :class:`Row` per student, in the given order.

    Students whose journal entry matches their current submission are not graded again unless
    ``regrade``; so a grader killed mid-class completes the class when run again. An id that is
    not a plain student id gets a ``failed`` row and nothing is written under its name.
    ``scheduler``: None for a local process pool of ``workers`` (default: all cores), or a Dask
    scheduler address / ``dask.distributed.Client`` for a cluster that shares the course folder.
    """
    from tqdm.auto import tqdm

    root = str(Path(root).resolve())
    invalid = {s: Row(str(s), assignment, Outcome.FAILED, max_score=_release_max(root, assignment),
                      reason="invalid student id (allowed: letters, digits and . _ @ + -)", isolation=isolation)
               for s in students if not valid_student_id(s)}
    todo = []
    for student in students:
        if student in invalid:
            continue
        row, digest = read_journal(root, assignment, student)
        folder = Path(root) / "submitted" / student / assignment
        current = submission_hash(folder) if folder.is_dir() else None
        if regrade or row is None or digest != current or row.isolation != isolation:
            todo.append(student)
    tasks = [dict(root=root, assignment=assignment, student=s, db_url=db_url, isolation=isolation, wall_seconds=wall_seconds,
                  tests_in_kernel=tests_in_kernel) for s in todo]
    bar = tqdm(total=len(tasks), desc=f"grade {assignment}", unit="submission", disable=not progress or None)
    if tasks and scheduler is not None:
        from dask.distributed import Client, as_completed as dask_completed

        own = not isinstance(scheduler, Client)
        client = Client(scheduler) if own else scheduler
        try:
            for fut in dask_completed(client.map(_grade_task, tasks, pure=False)):
                try:
                    fut.result()
                except Exception:
                    pass  # a lost worker: its student has no journal entry and is recorded as failed below
                bar.update()
        finally:
            if own:
                client.close()
    elif tasks:
        wall = wall_seconds or sandbox.LIMITS.wall_seconds
        pool = LocalPool(workers or os.cpu_count() or 1, deadline=2 * wall + TASK_MARGIN_SECONDS)
        for i, reason in pool.run(_grade_task, tasks, on_done=bar.update).items():
            _grader_error(root, assignment, tasks[i]["student"], isolation, reason)
    bar.close()
    rows = []
    for student in students:
        row = invalid.get(student) or read_journal(root, assignment, student)[0]
        if row is None:
            row = _grader_error(root, assignment, student, isolation, "grader error: the grading process died")
        rows.append(row)
    return rows
