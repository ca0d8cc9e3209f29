"""Similarity of the class's answers, one answer cell at a time: it flags pairs for a person to read,
and decides nothing.

Each student's answer is taken from the notebook the grader graded (``canonical/``, the release with
the student's answer cells). copydetect fingerprints it: the code is tokenised with names and
literals replaced, so renamed variables change nothing, then k-grams are hashed and winnowed. The
release's own code of the cell (its stub and provided lines) is boilerplate and never counts. A
pair's similarity is the larger of the two shares of each answer found in the other, so a copy
padded with extra code still shows. Answers shorter than ``min_tokens`` are left out, since short
correct answers look alike whoever writes them, and so is code found in the answers of more than
``common`` students (MOSS's ``-m``): what many students share (the way everyone writes a loop, code
from the lecture, a solution passed round the whole class) is no evidence about one pair, and left
in it would bury the pairs that share what nobody else has.
"""
from collections import Counter
import html
import io
from dataclasses import dataclass
from itertools import combinations

import nbformat
from copydetect import CodeFingerprint, compare_files
from copydetect.utils import highlight_overlap

NOISE, GUARANTEE = 25, 30  # copydetect's defaults: k-grams of 25 tokens, any shared run of 30 found
WINDOW = GUARANTEE - NOISE + 1


@dataclass
class Pair:
    grade_id: str
    a: str
    b: str
    similarity: float
    left: str  # each answer as HTML, the shared code marked
    right: str


def answers(notebooks, release):
    """({grade_id: {student: source}} of the answers that differ from the release, {grade_id: the
    release's source}). ``notebooks``: {student: NotebookNode}; ``release``: the released notebook."""
    released = {_grade_id(c): c.source for c in release.cells if _is_answer(c) and c.cell_type == "code"}
    out = {g: {} for g in released}
    for student, nb in notebooks.items():
        for c in nb.cells:
            g = _grade_id(c)
            if g in released and _is_answer(c) and c.source.strip() != released[g].strip():
                out[g][student] = c.source
    return out, released


def _grade_id(cell):
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def _is_answer(cell):
    return bool(cell.metadata.get("nbgrader", {}).get("solution"))


def _fingerprint(source, boilerplate=()):
    return CodeFingerprint("answer.py", NOISE, WINDOW, boilerplate=list(boilerplate), fp=io.StringIO(source))


def similar_pairs(by_student, release_source, threshold=0.8, min_tokens=60, common=10):
    """The pairs of one cell's answers at or above ``threshold``, most similar first."""
    boilerplate = set(_fingerprint(release_source).hashes)
    prints = {s: _fingerprint(src, boilerplate) for s, src in sorted(by_student.items())}
    shared = Counter(h for fp in prints.values() for h in set(fp.hashes))
    widespread = {h for h, n in shared.items() if n > common}
    if widespread:
        prints = {s: _fingerprint(src, boilerplate | widespread) for s, src in sorted(by_student.items())}
    prints = {s: fp for s, fp in prints.items() if fp.token_coverage >= min_tokens}
    found = []
    for (a, fa), (b, fb) in combinations(prints.items(), 2):
        _, (sa, sb), (slices_a, slices_b) = compare_files(fa, fb)
        if max(sa, sb) >= threshold:
            found.append((float(max(sa, sb)), a, b, _marked(fa, slices_a), _marked(fb, slices_b)))
    return [(s, a, b, left, right) for s, a, b, left, right in sorted(found, key=lambda f: -f[0])]


def _marked(fp, slices):
    marked, _ = highlight_overlap(fp.raw_code, slices, "<mark>", "</mark>", escape_html=True)
    return marked


def report(notebooks, release, threshold=0.8, min_tokens=60, top=5, common=10):
    """Every flagged :class:`Pair` of every answer cell (at most ``top`` per cell), and the number
    of answers compared per cell."""
    by_cell, released = answers(notebooks, release)
    pairs, compared = [], {}
    for grade_id, by_student in by_cell.items():
        compared[grade_id] = len(by_student)
        for s, a, b, left, right in similar_pairs(by_student, released[grade_id], threshold, min_tokens, common)[:top]:
            pairs.append(Pair(grade_id, a, b, s, left, right))
    return pairs, compared


def write_csv(pairs, path):
    """The flagged pairs, one line each: cell, the two students, similarity."""
    import csv

    from autograder.report import cell

    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["grade_id", "student_a", "student_b", "similarity"])
        for p in pairs:
            w.writerow([cell(p.grade_id), cell(p.a), cell(p.b), f"{p.similarity:.3f}"])


def write_html(assignment, pairs, compared, path, threshold, common=10):
    """One page: per answer cell, the flagged pairs side by side with their shared code marked."""
    parts = [f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Similarity: {html.escape(assignment)}</title>",
             "<style>body{font-family:sans-serif;margin:2em} .pair{display:flex;gap:1em} pre{flex:1;background:#f6f6f6;"
             "padding:.5em;overflow:auto;font-size:12px} mark{background:#ffd54f}</style></head><body>",
             f"<h1>Similarity of answers: {html.escape(assignment)}</h1>",
             f"<p>Pairs whose shared code (names and literals ignored; the release's own code and code that more than "
             f"{common} students share left out) is at least {threshold:.0%} of one of the two answers. "
             f"A flag is a reason to read, not a finding.</p>"]
    for grade_id, n in compared.items():
        flagged = [p for p in pairs if p.grade_id == grade_id]
        parts.append(f"<h2>{html.escape(grade_id)}: {n} answers, {len(flagged)} pair(s) flagged</h2>")
        for p in flagged:
            parts.append(f"<h3>{html.escape(p.a)} and {html.escape(p.b)}: {p.similarity:.0%}</h3>"
                         f"<div class='pair'><pre>{p.left}</pre><pre>{p.right}</pre></div>")
    parts.append("</body></html>")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(parts))


def read_notebooks(course, assignment, students):
    """{student: NotebookNode} of the graded (canonical) notebooks, and the released notebook."""
    [release_path] = course.path("release", assignment=assignment).glob("*.ipynb")
    out = {}
    for student in students:
        path = course.path("canonical", student, assignment) / release_path.name
        if path.is_file():
            out[student] = nbformat.read(path, as_version=4)
    return out, nbformat.read(release_path, as_version=4)
