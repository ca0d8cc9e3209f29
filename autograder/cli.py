"""Command-line front end: ``python -m autograder <command>`` or ``course-grade <command>``."""
import argparse
import filecmp
import shutil
import sys
import tempfile
import time
import warnings
from pathlib import Path

from autograder import cases as cases_mod
from autograder.course import EXERCISES, REPO, SOLUTIONS, Course, assignments, generate_release
from autograder.report import Row, format_table, write_csv

DEMO_CASES = ("complete", "partly_wrong", "untouched", "raises")


def _progress(items, desc):
    from tqdm.auto import tqdm

    return tqdm(items, desc=desc, unit="submission", file=sys.stderr, disable=None)


def grade_students(course, assignment, students, expected=None):
    """Autograde ``students`` of ``assignment`` and write their feedback; one :class:`Row` each.

    A student with no submission folder gets a ``missing`` row, a submission nbgrader cannot grade
    a ``failed`` row with the reason; neither stops the others.
    """
    rows = []
    for student in _progress(students, f"autograde {assignment}"):
        row = Row(student, assignment, "missing", reason="no submission")
        if (course.path("submitted", student, assignment)).is_dir():
            start = time.perf_counter()
            result = course.autograde(assignment, student)
            scores = course.scores(assignment, student) if result["success"] else None
            if scores is None:
                error = (result.get("error") or result.get("log") or "nbgrader failed").strip().splitlines()
                row.status, row.reason = "failed", error[-1] if error else "nbgrader failed"
            else:
                row.status, row.reason = "graded", ""
                row.score, row.max_score = scores[0], scores[1]
                lost = sorted(g for g, (s, m) in scores[2].items() if m and (s or 0) < m)
                if lost:
                    row.reason = "lost points: " + ", ".join(lost)
                feedback = course.feedback(assignment, student)
                row.feedback = ", ".join(str(p.relative_to(course.root)) for p in feedback)
            row.seconds = time.perf_counter() - start
        if expected is not None:
            case = expected[student]
            row.expected = case.expect
            row.verdict = "ok" if row.status == "graded" and case.outcome_ok(row.score, row.max_score) else "WRONG"
        rows.append(row)
    return rows


def finish(course, rows, csv_name="grades.csv"):
    csv_path = course.root / csv_name
    write_csv(rows, csv_path)
    print(format_table(rows))
    print(f"\ngrades: {csv_path}\nfeedback: {course.root / 'feedback'}/<student>/<assignment>/*.html")


def grade_cases(course, assignment, names=None):
    """Submit each case of ``assignment`` as a student named after it, then grade them all."""
    selected = cases_mod.load_cases(assignment, names)
    release = course.generate(assignment)
    for case in selected:
        course.submit(case.name, assignment, cases_mod.build_submission(case, SOLUTIONS / assignment, release))
    return grade_students(course, assignment, [c.name for c in selected], {c.name: c for c in selected})


def cmd_release(args):
    """Regenerate exercises/ from solutions/, or with --check report whether it is out of date."""
    with tempfile.TemporaryDirectory(prefix="lmcourse-release-") as tmp:
        fresh = generate_release(tmp)
        stale = compare_trees(fresh, EXERCISES)
        if args.check:
            if stale:
                print("exercises/ is out of date with solutions/; run: python -m autograder release")
                print("\n".join(f"  {p}" for p in stale))
                return 1
            print(f"exercises/ is up to date ({', '.join(assignments())})")
            return 0
        for assignment in assignments():
            target = EXERCISES / assignment
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(fresh / assignment, target)
        print(f"regenerated exercises/ for {', '.join(assignments())}" + (f" ({len(stale)} files changed)" if stale else " (no change)"))
    return 0


def compare_trees(fresh, committed):
    """Relative paths that differ between two release trees (added, removed or changed)."""
    fresh, committed = Path(fresh), Path(committed)
    names = {p.relative_to(fresh) for p in fresh.rglob("*") if p.is_file()}
    if committed.is_dir():
        names |= {p.relative_to(committed) for p in committed.rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    return sorted(
        str(n) for n in names
        if not (fresh / n).is_file() or not (committed / n).is_file() or not filecmp.cmp(fresh / n, committed / n, shallow=False)
    )


def cmd_demo(args):
    """The TA pipeline on example submissions: release, submit, autograde, feedback, CSV, table."""
    status = cmd_release(argparse.Namespace(check=False))
    root = Path(args.course)
    if root.exists():
        shutil.rmtree(root)  # the demo starts from nothing each time
    course = Course(root)
    rows = []
    for assignment in args.assignments or assignments():
        available = {c.name for c in cases_mod.load_cases(assignment)}
        rows += grade_cases(course, assignment, [n for n in DEMO_CASES if n in available])
    finish(course, rows)
    return status or (0 if all(r.verdict == "ok" for r in rows) else 1)


def cmd_cases(args):
    """Grade every example/mistaken submission of an assignment and check its expected outcome."""
    root = Path(args.course) if args.course else Path(tempfile.mkdtemp(prefix="lmcourse-cases-"))
    course = Course(root)
    rows = grade_cases(course, args.assignment, args.case or None)
    finish(course, rows, csv_name=f"cases-{args.assignment}.csv")
    return 0 if all(r.verdict == "ok" for r in rows) else 1


def cmd_grade(args):
    """Autograde a real class: every student under <course>/submitted/, or those named."""
    course = Course(args.course, db_url=args.db_url)
    course.generate(args.assignment)
    students = args.student or sorted(set(course.submitted_students(args.assignment)) | set(_roster(args.roster)))
    if not students:
        print(f"no submissions under {course.root / 'submitted'}/<student>/{args.assignment}/", file=sys.stderr)
        return 1
    rows = grade_students(course, args.assignment, students)
    finish(course, rows, csv_name=f"grades-{args.assignment}.csv")
    return 0


def _roster(path):
    if not path:
        return []
    return [line.strip() for line in Path(path).read_text().splitlines() if line.strip() and not line.startswith("#")]


def build_parser():
    parser = argparse.ArgumentParser(prog="course-grade", description="Autograde the course's nbgrader assignments.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("release", help=cmd_release.__doc__)
    p.add_argument("--check", action="store_true", help="only report whether exercises/ is up to date")
    p.set_defaults(func=cmd_release)

    p = sub.add_parser("demo", help=cmd_demo.__doc__)
    p.add_argument("assignments", nargs="*", help="assignment ids (default: all)")
    p.add_argument("--course", default=str(REPO / "build" / "demo"), help="demo course directory (recreated)")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("cases", help=cmd_cases.__doc__)
    p.add_argument("assignment")
    p.add_argument("--case", action="append", help="grade only this case (repeatable)")
    p.add_argument("--course", help="course directory to use (default: a new temporary one)")
    p.set_defaults(func=cmd_cases)

    p = sub.add_parser("grade", help=cmd_grade.__doc__)
    p.add_argument("assignment")
    p.add_argument("--course", required=True, help="course directory holding submitted/<student>/<assignment>/")
    p.add_argument("--student", action="append", help="grade only this student (repeatable); re-grading replaces the old grade")
    p.add_argument("--roster", help="file with one student id per line: absent students get a 'missing' row")
    p.add_argument("--db-url", help="gradebook URL (default: sqlite in the course directory)")
    p.set_defaults(func=cmd_grade)
    return parser


def main(argv=None):
    # nbgrader's own SQLAlchemy usage warns on every autograde; it says nothing about the student.
    warnings.filterwarnings("ignore", message=".*not in session.*")
    args = build_parser().parse_args(argv)
    return args.func(args)
