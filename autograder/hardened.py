"""The hardened grading path: canonical notebooks, a sandboxed kernel, explicit outcomes, a journal.

For each submission :func:`grade_one`

1. rebuilds the notebook from the release: every cell comes from the release, in the release's
   order, with the release's metadata, except the answer cells, whose source is the student's
   (matched by grade id; the first copy wins when a cell was duplicated) and cells the student
   added, which stay after the cell they followed. Edited, deleted, duplicated or reordered test
   cells and changed points or grade ids therefore cannot change the grade;
2. scans the student's code (:mod:`autograder.tamper`); a flagged submission is still run but its
   score is withheld for manual review;
3. autogrades the canonical copy with nbgrader, the kernel in a bubblewrap sandbox
   (:mod:`autograder.sandbox`) under a wall-clock limit;
4. writes feedback and a journal entry ``<course>/results/<assignment>/<student>.json``.

Every student gets exactly one outcome: ``graded``, ``review`` (score withheld, reasons given),
``failed`` (invalid notebook, timeout, crashed kernel, with the reason) or ``missing``.
"""
import hashlib
import json
import os
import shutil
import threading
import time
from dataclasses import asdict
from pathlib import Path

import nbformat

from autograder import sandbox, tamper
from autograder.report import Row

CANONICAL = "canonical"
MAX_EXTRA_FILE_BYTES = 10 * 2**20


def _meta(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def canonicalize(release_nb, student_nb):
    """(canonical NotebookNode, notes for the student, [(grade_id or None, source)] student code)."""
    answers = {_meta(c)["grade_id"] for c in release_nb.cells if _meta(c).get("solution")}
    known = {_meta(c).get("grade_id") for c in release_nb.cells if _meta(c).get("grade_id")}
    found, extras, notes = {}, {}, []
    anchor = None
    for cell in student_nb.cells:
        gid = _meta(cell).get("grade_id")
        if gid in answers:
            if gid in found:
                notes.append(f"answer cell {gid} appears more than once: the first copy was graded")
            else:
                found[gid] = cell.source
            anchor = gid
        elif gid in known:
            anchor = gid  # a release cell: its content is restored from the release
        elif cell.cell_type == "code" and cell.source.strip() and not any(_meta(cell).get(k) for k in ("grade", "solution", "locked")):
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


def submission_hash(folder):
    h = hashlib.sha256()
    for p in sorted(Path(folder).rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(folder)).encode())
            h.update(p.read_bytes())
    return h.hexdigest()[:16]


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


def _failure_reason(result, timed_out, wall):
    if timed_out:
        return f"timeout: the notebook ran longer than {wall} s and was stopped"
    text = (result.get("error") or "") + (result.get("log") or "")
    if "DeadKernelError" in text or "Kernel died" in text or "kernel died" in text:
        return "crashed kernel: the kernel died (os._exit, a crash, or memory exhausted)"
    if "CellTimeoutError" in text or "Timeout" in text:
        return "timeout: a cell ran past the per-cell limit"
    lines = [l for l in text.strip().splitlines() if l.strip()]
    return "nbgrader failed: " + (lines[-1].strip()[:200] if lines else "unknown error")


def _memory_errors(course, assignment, student):
    notes = []
    for path in course.path("autograded", student, assignment).glob("*.ipynb"):
        for cell in nbformat.read(path, as_version=4).cells:
            for out in cell.get("outputs", []):
                if out.get("output_type") == "error" and out.get("ename") == "MemoryError":
                    notes.append(f"MemoryError in {_meta(cell).get('grade_id', 'a cell')} (memory limit)")
    return notes


def grade_one(root, assignment, student, db_url=None, isolation="sandbox", wall_seconds=None):
    """Grade one student's submission; returns its :class:`Row` (also written to the journal).

    ``wall_seconds`` limits the whole execution of the notebook (default: sandbox.LIMITS).
    """
    from autograder.course import Course

    wall = wall_seconds or sandbox.LIMITS.wall_seconds
    start = time.perf_counter()
    course = Course(root, db_url=db_url, isolation=isolation)
    row = Row(student, assignment, "missing", reason="no submission", isolation=isolation)
    submitted = course.path("submitted", student, assignment)
    release = course.path("release", assignment=assignment)
    student_files = sorted(submitted.glob("*.ipynb")) if submitted.is_dir() else []
    digest = submission_hash(submitted) if submitted.is_dir() else None
    release_nbs = {p.name: nbformat.read(p, as_version=4) for p in sorted(release.glob("*.ipynb"))}
    row.max_score = float(sum(_meta(c).get("points", 0) or 0 for nb in release_nbs.values() for c in nb.cells if _meta(c).get("grade")))
    if not student_files:
        if submitted.is_dir():
            row.reason = "the submission folder holds no notebook"
        _write_journal(root, row, digest)
        return row

    canonical_dir = course.path(CANONICAL, student, assignment)
    if canonical_dir.exists():
        shutil.rmtree(canonical_dir)
    canonical_dir.mkdir(parents=True)
    notes, flags, locked = [], [], []
    for name, release_nb in release_nbs.items():
        release_path = release / name
        locked += [c.source for c in release_nb.cells if c.cell_type == "code" and not _meta(c).get("solution")]
        student_path = submitted / release_path.name
        others = [p for p in student_files if p.name not in release_nbs]
        if not student_path.is_file() and len(release_nbs) == 1 and len(others) == 1:
            student_path = others[0]  # one notebook handed in under another name (a copy, a download)
            notes.append(f"{student_path.name} was graded as {release_path.name}")
        if not student_path.is_file():
            notes.append(f"{release_path.name} was not submitted")
            student_nb = release_nb
        else:
            try:
                student_nb = nbformat.read(student_path, as_version=4)
                if not isinstance(student_nb.get("cells"), list):
                    raise ValueError("it has no list of cells")
            except Exception as exc:  # any unreadable file is the submission's fault, not the class's
                row.status, row.reason = "failed", f"invalid notebook {release_path.name}: {str(exc).splitlines()[0][:150]}"
                row.seconds = time.perf_counter() - start
                _write_journal(root, row, digest)
                return row
        canonical, nb_notes, student_code = canonicalize(release_nb, student_nb)
        notes += nb_notes
        protected = tamper.protected_names(locked)
        for gid, source in student_code:
            flags += [f"{gid or 'an added cell'}: {r}" for r in tamper.scan_cell(source, protected, own_names={gid} if gid else ())]
        nbformat.write(canonical, canonical_dir / release_path.name)
    extra_bytes = 0
    for p in submitted.iterdir():  # data or helper files the student shipped with the notebook
        if p.is_file() and p.suffix != ".ipynb" and extra_bytes + p.stat().st_size <= MAX_EXTRA_FILE_BYTES:
            shutil.copyfile(p, canonical_dir / p.name)
            extra_bytes += p.stat().st_size

    timed_out = threading.Event()

    def on_timeout():
        timed_out.set()
        sandbox.kill_active(course.path("autograded", student, assignment))

    watchdog = threading.Timer(wall, on_timeout)
    watchdog.start()
    try:
        result = course.autograde(assignment, student)
    finally:
        watchdog.cancel()
    scores = course.scores(assignment, student) if result["success"] and not timed_out.is_set() else None
    if scores is None:
        row.status, row.reason = "failed", _failure_reason(result, timed_out.is_set(), wall)
        if flags:
            row.reason += "; also flagged for review: " + "; ".join(dict.fromkeys(flags))
    else:
        row.score = scores[0]
        lost = sorted(g for g, (s, m) in scores[2].items() if m and (s or 0) < m)
        notes += _memory_errors(course, assignment, student)
        if lost:
            notes.append("lost points: " + ", ".join(lost))
        if flags:
            row.status = "review"
            row.reason = f"score {row.score:g}/{row.max_score:g} withheld for manual review: " + "; ".join(dict.fromkeys(flags))
            row.score = 0.0
        else:
            row.status, row.reason = "graded", "; ".join(notes)
        row.feedback = ", ".join(str(p.relative_to(course.root)) for p in course.feedback(assignment, student))
    row.seconds = time.perf_counter() - start
    _write_journal(root, row, digest)
    return row


def _grade_task(task):
    """Process-pool entry point (top level so it pickles)."""
    try:
        return grade_one(**task)
    except Exception as exc:  # never lose a student: record the grader's own failure
        row = Row(task["student"], task["assignment"], "failed", reason=f"grader error: {type(exc).__name__}: {exc}"[:300],
                  isolation=task.get("isolation", ""))
        _write_journal(task["root"], row, None)
        return row


def grade_class(root, assignment, students, workers=None, db_url=None, isolation="sandbox", regrade=False,
                scheduler=None, wall_seconds=None, progress=True):
    """Grade ``students`` in parallel; returns one :class:`Row` per student, in the given order.

    Students whose journal entry matches their current submission are not graded again unless
    ``regrade``; so a grader killed mid-class completes the class when run again.
    ``scheduler``: None for a local process pool of ``workers`` (default: all cores), or a Dask
    scheduler address / ``dask.distributed.Client`` for a cluster that shares the course folder.
    """
    from concurrent.futures import ProcessPoolExecutor, as_completed

    from tqdm.auto import tqdm

    root = str(Path(root).resolve())
    todo = []
    for student in students:
        row, digest = read_journal(root, assignment, student)
        folder = Path(root) / "submitted" / student / assignment
        current = submission_hash(folder) if folder.is_dir() else None
        if regrade or row is None or digest != current or row.isolation != isolation:
            todo.append(student)
    tasks = [dict(root=root, assignment=assignment, student=s, db_url=db_url, isolation=isolation, wall_seconds=wall_seconds)
             for s in todo]
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
        import multiprocessing
        from concurrent.futures.process import BrokenProcessPool

        workers = workers or os.cpu_count() or 1
        with ProcessPoolExecutor(max_workers=min(workers, len(tasks)), mp_context=multiprocessing.get_context("spawn")) as pool:
            for fut in as_completed([pool.submit(_grade_task, t) for t in tasks]):
                try:
                    fut.result()
                except BrokenProcessPool:
                    pass  # the students it held have no journal entry: recorded as failed below
                bar.update()
    bar.close()
    rows = []
    for student in students:
        row = read_journal(root, assignment, student)[0]
        if row is None:
            row = Row(student, assignment, "failed", reason="grader error: the grading process died", isolation=isolation)
            _write_journal(root, row, None)
        rows.append(row)
    return rows
