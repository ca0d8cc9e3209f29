"""Mistake diagnosis: which catalogued mistake (``autograder/cases/<unit>/``) a wrong submission
behaves like.

The catalogue of a unit is what each of its mistake cases (``expect: less``) fails: the set of
tests that do not get their points when the case is graded as a submission. It is made by grading
the cases through the same sandboxed pipeline, in a course directory of its own
(``<course>/catalogue/<unit>/``), and kept in ``<course>/catalogue/<unit>.json`` with a hash of
the source notebook and of what the cases hand in, so it is made again only when one of them
changes (rewording a case's description or hint does not re-grade anything: both are read from the
case files when they are used).

A submission is diagnosed as every case that fails exactly the tests it fails. Two mistakes with
the same signature cannot be told apart that way; both are named, and :func:`ambiguous` lists such
groups. A correct submission fails nothing, and no mistake case fails nothing, so it is never
diagnosed.

A diagnosed student's feedback starts with the instructor's hint for each mistake matched
(:func:`annotate_feedback`): at grading time when the catalogue is already made, and for the
students graded before it by ``course-grade report``, which makes it.
"""
import hashlib
import html
import json
import os
import re
from collections import defaultdict

from autograder import cases as cases_mod
from autograder.course import SOLUTIONS, Course


def failing(per_test):
    """The tests of a scored submission that did not get their points: ``per_test`` is
    :meth:`autograder.course.Course.scores`'s {grade_id: (score, max_score, pending)}; answers
    waiting for a TA and ungraded cells are not failures."""
    return frozenset(t for t, (score, max_score, pending) in per_test.items()
                     if max_score and not pending and (score or 0) < max_score - 1e-9)


def mistake_cases(unit):
    return [c for c in cases_mod.load_cases(unit) if c.expect == "less" and not c.name.startswith(("hostile_", "broken_"))]


def _fingerprint(cases, unit):
    """What the catalogue depends on: the source notebook and what each case hands in."""
    h = hashlib.sha256((SOLUTIONS / unit / f"{unit}.ipynb").read_bytes())
    for case in cases:
        h.update(json.dumps([case.name, case.expect, case.base, case.sections], sort_keys=True).encode())
    return h.hexdigest()


def _with_words(saved, cases):
    """The saved signatures with each case's description and hint as the case files say now."""
    by_name = {c.name: c for c in cases}
    return {name: {"fails": entry["fails"], "description": by_name[name].description, "hint": by_name[name].hint}
            for name, entry in saved.items()}


def cached(course_root, unit):
    """The unit's catalogue when it is made and up to date, else None (nothing is graded)."""
    path = course_root / "catalogue" / f"{unit}.json"
    if not (cases_mod.CASES / unit).is_dir() or not path.is_file():
        return None
    cases = mistake_cases(unit)
    try:
        saved = json.loads(path.read_text())
        fresh = saved.get("fingerprint") == _fingerprint(cases, unit)
        return _with_words(saved["cases"], cases) if fresh else None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None  # damaged: as if not made (grading goes on without hints; the next report makes it again)


def catalogue(course_root, unit, workers=None):
    """{case name: {"fails": sorted test ids, "description": its first docstring line, "hint": the
    instructor's hint}} of the unit's mistake cases, graded when the saved catalogue is missing or
    stale."""
    from autograder.cli import grade_cases

    entries = cached(course_root, unit)
    if entries is not None:
        return entries
    cases = mistake_cases(unit)
    shop = Course(course_root / "catalogue" / unit)
    rows = grade_cases(shop, unit, [c.name for c in cases], workers=workers)
    entries = {}
    for case, row in zip(cases, rows):
        scored = shop.scores(unit, case.name) if row.verdict == "ok" else None
        if scored is not None:  # a case that does not behave as it says is no evidence of anything
            entries[case.name] = {"fails": sorted(failing(scored[2]))}
    path = course_root / "catalogue" / f"{unit}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps({"fingerprint": _fingerprint(cases, unit), "cases": entries}, indent=1))
    os.replace(tmp, path)  # a class being graded meanwhile reads the old catalogue or the new one, never half
    return _with_words(entries, cases)


def diagnose(fails, entries):
    """The names of the catalogued mistakes that fail exactly ``fails`` (none when it is empty)."""
    fails = frozenset(fails)
    return sorted(name for name, entry in entries.items() if fails and frozenset(entry["fails"]) == fails)


def ambiguous(entries):
    """Groups of catalogued mistakes with the same signature (that diagnosis cannot tell apart)."""
    groups = defaultdict(list)
    for name, entry in entries.items():
        groups[frozenset(entry["fails"])].append(name)
    return sorted(sorted(g) for g in groups.values() if len(g) > 1)


_BODY = re.compile(r"<body[^>]*>", re.IGNORECASE)
_BLOCK = re.compile(r'\n<div id="lmcourse-diagnosis"[^>]*>.*?</div><!-- lmcourse-diagnosis -->\n', re.DOTALL)


def hint_block(names, entries):
    """The feedback's hint section for the mistakes ``names`` (empty when there is none)."""
    hints = list(dict.fromkeys(entries[n]["hint"] for n in names if entries[n].get("hint")))
    if not hints:
        return ""
    lead = ("Your answers behave like a mistake students often make; your instructor's hint:" if len(hints) == 1 else
            "Your answers behave like one of these mistakes students often make; your instructor's hints:")
    items = "".join(f"<li>{html.escape(h)}</li>" for h in hints)
    return (f'\n<div id="lmcourse-diagnosis" style="border:2px solid #dd8452;padding:0.5em 1em;margin:1em">'
            f"<h2>A hint</h2><p>{lead}</p><ul>{items}</ul></div><!-- lmcourse-diagnosis -->\n")


def annotate_feedback(paths, names, entries):
    """Put the hint section at the top of each feedback page, replacing one already there."""
    block = hint_block(names, entries)
    for path in paths:
        page = _BLOCK.sub("", path.read_text(encoding="utf-8"))
        body = _BODY.search(page)
        if body is not None and block:
            page = page[:body.end()] + block + page[body.end():]
        path.write_text(page, encoding="utf-8")
