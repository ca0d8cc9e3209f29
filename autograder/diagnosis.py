"""Mistake diagnosis: which catalogued mistake (``autograder/cases/<unit>/``) a wrong submission
behaves like.

The catalogue of a unit is what each of its mistake cases (``expect: less``) fails: the set of
tests that do not get their points when the case is graded as a submission. It is made by grading
the cases through the same sandboxed pipeline, in a course directory of its own
(``<course>/catalogue/<unit>/``), and kept in ``<course>/catalogue/<unit>.json`` with a hash of
the source notebook and of the case files, so it is made again only when one of them changes.

A submission is diagnosed as every case that fails exactly the tests it fails. Two mistakes with
the same signature cannot be told apart that way; both are named, and :func:`ambiguous` lists such
groups. A correct submission fails nothing, and no mistake case fails nothing, so it is never
diagnosed.
"""
import hashlib
import json
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


def _fingerprint(unit):
    h = hashlib.sha256((SOLUTIONS / unit / f"{unit}.ipynb").read_bytes())
    for path in sorted((cases_mod.CASES / unit).glob("*.py")):
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def catalogue(course_root, unit, workers=None, progress=False):
    """{case name: {"fails": sorted test ids, "description": its first docstring line}} of the
    unit's mistake cases, graded when the cached catalogue is missing or stale."""
    from autograder.cli import grade_cases

    path = course_root / "catalogue" / f"{unit}.json"
    fingerprint = _fingerprint(unit)
    if path.is_file():
        saved = json.loads(path.read_text())
        if saved.get("fingerprint") == fingerprint:
            return saved["cases"]
    cases = mistake_cases(unit)
    shop = Course(course_root / "catalogue" / unit)
    rows = grade_cases(shop, unit, [c.name for c in cases], workers=workers)
    entries = {}
    for case, row in zip(cases, rows):
        scored = shop.scores(unit, case.name) if row.verdict == "ok" else None
        if scored is not None:  # a case that does not behave as it says is no evidence of anything
            entries[case.name] = {"fails": sorted(failing(scored[2])), "description": case.description}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"fingerprint": fingerprint, "cases": entries}, indent=1))
    return entries


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
