"""How well mistake diagnosis (autograder/diagnosis.py) names the mistakes of a class.

    python benchmarks/bench_diagnosis.py [UNIT ...] [--workers 2] [--dir DIR]

For each unit (default: all), in a course directory of its own under DIR:

1. the mistake catalogue is made as ``course-grade catalogue`` makes it (the unit's mistake cases
   graded through the sandboxed pipeline);
2. a class is graded through the same pipeline: every mistake case and every correct case
   (``expect: full``) handed in again by another student, disguised (local variables renamed, the
   code re-laid out, comments gone: :func:`autograder.cases.disguise`), so that the catalogue is
   matched against submissions it was not made from;
3. each submission is diagnosed from the tests it failed.

Prints, per unit: how many mistake submissions are diagnosed as their own mistake (target: all),
how many of those uniquely (the others share their failing tests with another catalogued mistake,
listed), and how many correct submissions get a diagnosis (target: none), with the times.
"""
import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from autograder import cases as cases_mod  # noqa: E402
from autograder import diagnosis  # noqa: E402
from autograder.course import SOLUTIONS, Course, assignments  # noqa: E402
from autograder.hardened import grade_class  # noqa: E402


def measure(unit, root, workers):
    course = Course(root / unit)
    started = time.monotonic()
    entries = diagnosis.catalogue(course.root, unit, workers=workers)
    catalogue_s = time.monotonic() - started
    release = course.generate(unit)
    mistakes = diagnosis.mistake_cases(unit)
    correct = [c for c in cases_mod.load_cases(unit) if c.expect == "full"]
    students = {}
    for case in mistakes + correct:
        student = f"again_{case.name}"
        course.submit(student, unit, cases_mod.disguise(cases_mod.build_submission(case, SOLUTIONS / unit, release)))
        students[student] = case
    started = time.monotonic()
    rows = {r.student: r for r in grade_class(course.root, unit, list(students), workers=workers, db_url=course.db_url, regrade=True)}
    class_s = time.monotonic() - started
    found, fails = {}, {}
    for student, case in students.items():
        scored = course.scores(unit, student) if rows[student].status in ("graded", "review") else None
        fails[student] = diagnosis.failing(scored[2]) if scored else None
        found[student] = diagnosis.diagnose(fails[student], entries) if scored else None
    as_itself = [s for s, c in students.items() if c in mistakes and found[s] and c.name in found[s]]
    unique = [s for s in as_itself if found[s] == [students[s].name]]
    missed = {students[s].name: (rows[s].status, found[s]) for s, c in students.items() if c in mistakes and s not in as_itself}
    wrongly = {students[s].name: found[s] for s, c in students.items() if c in correct and found[s] != []}
    lost = {students[s].name: sorted(fails[s] or ()) or rows[s].status for s, c in students.items() if c in correct and fails[s] != set()}
    return {"unit": unit, "mistakes": len(mistakes), "catalogued": len(entries), "as_itself": len(as_itself),
            "unique": len(unique), "missed": missed, "correct": len(correct), "correct_diagnosed": wrongly, "correct_lost": lost,
            "ambiguous": diagnosis.ambiguous(entries), "catalogue_s": catalogue_s, "class_s": class_s,
            "submissions": len(students)}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("units", nargs="*", help="units (default: all)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--dir", help="where the course directories go (default: a new temporary folder)")
    args = parser.parse_args(argv)
    root = Path(args.dir or tempfile.mkdtemp(prefix="bench-diagnosis-"))
    results = [measure(unit, root, args.workers) for unit in (args.units or assignments())]
    print(f"\n{'unit':9} {'mistakes':>8} {'as itself':>9} {'uniquely':>8} {'correct':>7} {'diagnosed':>9} "
          f"{'catalogue':>10} {'class':>8}")
    for r in results:
        print(f"{r['unit']:9} {r['mistakes']:>8} {r['as_itself']:>9} {r['unique']:>8} {r['correct']:>7} "
              f"{len(r['correct_diagnosed']):>9} {r['catalogue_s']:>9.0f}s {r['class_s']:>7.0f}s")
    for r in results:
        for name, why in r["missed"].items():
            print(f"  {r['unit']}/{name}: not diagnosed as itself ({why})")
        for name, why in r["correct_lost"].items():
            print(f"  {r['unit']}/{name} (correct): lost points once disguised ({why})")
        for name, names in r["correct_diagnosed"].items():
            print(f"  {r['unit']}/{name} (correct): diagnosed as {names}")
        for group in r["ambiguous"]:
            print(f"  {r['unit']}: same failing tests: {', '.join(group)}")
    total = sum(r["mistakes"] for r in results)
    print(f"\n{sum(r['as_itself'] for r in results)}/{total} disguised mistake submissions diagnosed as their own mistake "
          f"({sum(r['unique'] for r in results)} uniquely); {sum(len(r['correct_diagnosed']) for r in results)}/"
          f"{sum(r['correct'] for r in results)} correct submissions diagnosed; course directories in {root}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
