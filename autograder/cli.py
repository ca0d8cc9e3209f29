"""Command-line front end: ``python -m autograder <command>`` or ``course-grade <command>``."""
import argparse
import json
import filecmp
import os
import shutil
import sys
import tempfile
from pathlib import Path

from autograder import cases as cases_mod
from autograder import export, reviews, sandbox
from autograder.course import EXERCISES, REPO, SOLUTIONS, Course, assignments, generate_release
from autograder.hardened import grade_class, read_journal, release_max_score, release_notebooks
from autograder.report import Outcome, format_table, write_csv
from autograder.submission import submission_hash

DEMO_CASES = ("complete", "partly_wrong", "untouched", "raises")


def check_isolation(isolation):
    """Refuse to grade unisolated unless asked to explicitly; returns an exit message or None."""
    if isolation == "none":
        print("WARNING: grading WITHOUT a sandbox (--unisolated): student code runs with your permissions", file=sys.stderr)
        return None
    ok, reason = sandbox.available()
    if not ok:
        return f"cannot sandbox student code: {reason}.\nInstall bubblewrap, or pass --unisolated to grade without isolation."
    group = sandbox.Cgroup.create(sandbox.LIMITS) if os.geteuid() == 0 else None
    if group is None:
        print("note: no cgroup can be made here (run as root or in a delegated cgroup): memory and processes are limited "
              "per process, not for each sandbox as a whole", file=sys.stderr)
    else:
        group.remove()
    return None


def finish(course, rows, csv_name="grades.csv"):
    csv_path = course.root / csv_name
    write_csv(rows, csv_path)
    print(format_table(rows))
    print(f"\ngrades: {csv_path}\nfeedback: {course.root / 'feedback'}/<student>/<assignment>/*.html")


def grade_cases(course, assignment, names=None, workers=None, wall_seconds=None):
    """Submit each case of ``assignment`` as a student named after it, then grade them all."""
    selected = cases_mod.load_cases(assignment, names)
    release = course.generate(assignment)
    for case in selected:
        course.submit(case.name, assignment, cases_mod.build_submission(case, SOLUTIONS / assignment, release))
    rows = grade_class(course.root, assignment, [c.name for c in selected], workers=workers,
                       db_url=course.db_url, isolation=course.isolation, regrade=True, wall_seconds=wall_seconds)
    for row, case in zip(rows, selected):
        row.expected = case.expect
        row.verdict = "ok" if case.outcome_ok(row) else "WRONG"
    return rows


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
    problem = check_isolation(args.isolation)
    if problem:
        print(problem, file=sys.stderr)
        return 2
    status = cmd_release(argparse.Namespace(check=False))
    root = Path(args.course)
    if root.exists():
        shutil.rmtree(root)  # the demo starts from nothing each time
    course = Course(root, isolation=args.isolation)
    rows = []
    for assignment in args.assignments or assignments():
        available = {c.name for c in cases_mod.load_cases(assignment)}
        rows += grade_cases(course, assignment, [n for n in DEMO_CASES if n in available], workers=args.workers,
                            wall_seconds=args.wall_seconds)
    finish(course, rows)
    return status or (0 if all(r.verdict == "ok" for r in rows) else 1)


def cmd_cases(args):
    """Grade every example/mistaken/hostile submission of an assignment and check its expected outcome."""
    problem = check_isolation(args.isolation)
    if problem:
        print(problem, file=sys.stderr)
        return 2
    root = Path(args.course) if args.course else Path(tempfile.mkdtemp(prefix="lmcourse-cases-"))
    course = Course(root, isolation=args.isolation)
    rows = grade_cases(course, args.assignment, args.case or None, workers=args.workers, wall_seconds=args.wall_seconds)
    finish(course, rows, csv_name=f"cases-{args.assignment}.csv")
    return 0 if all(r.verdict == "ok" for r in rows) else 1


def cmd_generate(args):
    """Generate the student version of an assignment into <course>/release/ (for nbgrader release_assignment)."""
    release = Course(args.course, isolation="none").generate(args.assignment)
    print(f"generated {release}")
    return 0


def cmd_grade(args):
    """Autograde a real class: every student under <course>/submitted/ and on the roster, or those named."""
    problem = check_isolation(args.isolation)
    if problem:
        print(problem, file=sys.stderr)
        return 2
    course = Course(args.course, db_url=args.db_url, isolation=args.isolation)
    course.generate(args.assignment)
    students = args.student or sorted(set(course.submitted_students(args.assignment)) | set(_roster(args.roster)))
    if not students:
        print(f"no submissions under {course.root / 'submitted'}/<student>/{args.assignment}/", file=sys.stderr)
        return 1
    rows = grade_class(course.root, args.assignment, students, workers=args.workers, db_url=args.db_url,
                       isolation=args.isolation, regrade=args.regrade or bool(args.student), scheduler=args.scheduler,
                       wall_seconds=args.wall_seconds)
    if args.student:  # the CSV an LMS imports lists the whole class, not only the students re-graded now
        rows = class_rows(course, args.assignment, rows, _roster(args.roster))
    finish(course, rows, csv_name=f"grades-{args.assignment}.csv")
    return 0


def class_rows(course, assignment, fresh, roster=()):
    """The rows of the whole class: ``fresh`` ones, the journal's for everybody else."""
    fresh = {r.student: r for r in fresh}
    everyone = sorted(set(course.submitted_students(assignment)) | set(roster) | set(fresh))
    rows = [fresh.get(s) or read_journal(course.root, assignment, s)[0] for s in everyone]
    return [r for r in rows if r is not None]


def cmd_review(args):
    """List the submissions withheld for review, or decide one: accept the withheld score or set
    another, kept with who, when and why; the student is then graded again with the decision."""
    course = Course(args.course, db_url=args.db_url, isolation=args.isolation)
    if not args.student:
        return _list_reviews(course, args.assignment)
    if not args.accept and args.score is None:
        print("say what to give: --accept (the withheld score) or --score N", file=sys.stderr)
        return 2
    problem = check_isolation(args.isolation)
    if problem:
        print(problem, file=sys.stderr)
        return 2
    row, digest = read_journal(course.root, args.assignment, args.student)
    decided = row is not None and reviews.current(course.root, args.assignment, args.student, digest)
    folder = course.path("submitted", args.student, args.assignment)
    if row is None or not folder.is_dir() or digest != submission_hash(folder):
        print(f"{args.student}'s {args.assignment} has not been graded as it stands: run course-grade grade first", file=sys.stderr)
        return 1
    if row.status != Outcome.REVIEW and not decided:
        print(f"{args.student}'s {args.assignment} is {row.status}, not waiting for review", file=sys.stderr)
        return 1
    try:
        decision = reviews.decide(reviews.ACCEPT if args.accept else reviews.OVERRIDE, args.why or "", digest,
                                  score=args.score, by=args.by)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    reviews.record(course.root, args.assignment, args.student, decision)
    rows = grade_class(course.root, args.assignment, [args.student], workers=1, db_url=args.db_url,
                       isolation=args.isolation, regrade=True, wall_seconds=args.wall_seconds, progress=False)
    finish(course, class_rows(course, args.assignment, rows), csv_name=f"grades-{args.assignment}.csv")
    return 0


def cmd_export(args):
    """Write grades for an LMS (Canvas or Moodle, one row per student of a roster, a column per
    assignment) or, with --to wide, a CSV per assignment with the points of every test."""
    course = Course(args.course, db_url=args.db_url, isolation="none")  # reads results only: nothing runs
    if args.to == "wide":
        for assignment in args.assignments:
            rows = class_rows(course, assignment, [])
            per_test = {r.student: {t: s for t, (s, _, _) in course.scores(assignment, r.student)[2].items()}
                        for r in rows if r.status in (Outcome.GRADED, Outcome.REVIEW)}
            path = course.root / f"tests-{assignment}.csv"
            export.write_wide(rows, per_test, path)
            print(f"{path}: {len(rows)} students, {len({t for p in per_test.values() for t in p})} tests")
        return 0
    if not args.roster:
        print(f"--to {args.to} needs --roster (a CSV with the LMS's ids of each student)", file=sys.stderr)
        return 2
    try:
        if args.to == "moodle":
            roster = export.read_roster(args.roster, needs=("email",))
        else:
            roster = export.read_roster(args.roster, any_of=("canvas_id", "sis_user_id", "sis_login_id"))
    except (OSError, export.RosterError) as exc:
        print(exc, file=sys.stderr)
        return 2
    grades = {a: {p["student_id"]: read_journal(course.root, a, p["student_id"])[0] for p in roster} for a in args.assignments}
    path = course.root / f"{args.to}-grades.csv"
    if args.to == "canvas":
        max_scores = {a: release_max_score(release_notebooks(course.root, a)) for a in args.assignments}
        export.write_canvas(roster, grades, max_scores, path)
    else:
        export.write_moodle(roster, grades, path)
    waiting = sum(r is not None and r.status == Outcome.REVIEW for g in grades.values() for r in g.values())
    print(f"{path}: {len(roster)} students, {len(grades)} assignments" + (f"; {waiting} scores left blank: waiting for review" if waiting else ""))
    return 0


def cmd_similarity(args):
    """Flag pairs of similar answers, per answer cell, for a person to read (names and the release's code ignored)."""
    from autograder import similarity  # copydetect imports matplotlib's pyplot: only here

    course = Course(args.course, isolation="none")  # reads the graded notebooks only: nothing runs
    students = course.submitted_students(args.assignment)
    notebooks, release = similarity.read_notebooks(course, args.assignment, students)
    pairs, compared = similarity.report(notebooks, release, args.threshold, args.min_tokens, common=args.common)
    page, table = course.root / f"similarity-{args.assignment}.html", course.root / f"similarity-{args.assignment}.csv"
    similarity.write_html(args.assignment, pairs, compared, page, args.threshold, args.common)
    similarity.write_csv(pairs, table)
    for p in pairs:
        print(f"{p.grade_id}: {p.a} and {p.b} {p.similarity:.0%}")
    print(f"\n{len(notebooks)} graded notebooks, {len(pairs)} pair(s) flagged: {page}, {table}")
    return 0


def cmd_catalogue(args):
    """Make an assignment's mistake catalogue (its mistake cases graded, once per unit) before the
    class is graded, so each diagnosed student's feedback has the hint from the start."""
    from autograder import diagnosis

    problem = check_isolation("sandbox")
    if problem:
        print(problem, file=sys.stderr)
        return 2
    entries = diagnosis.catalogue(Path(args.course), args.assignment, workers=args.workers)
    groups = diagnosis.ambiguous(entries)
    print(f"{len(entries)} mistakes catalogued: {Path(args.course) / 'catalogue' / (args.assignment + '.json')}")
    for group in groups:
        print("  same failing tests (diagnosed together): " + ", ".join(group))
    return 0


def cmd_report(args):
    """The class report of an assignment: outcomes, scores, the tests from the hardest, grading time
    and mistake diagnosis (report-<assignment>.html with its figures, and report-<assignment>.json);
    each diagnosed student's feedback gets the instructor's hint for the mistake."""
    from autograder import analytics, diagnosis

    problem = check_isolation("sandbox")  # the mistake catalogue is made by grading the unit's cases
    if problem:
        print(problem, file=sys.stderr)
        return 2
    course = Course(args.course, db_url=args.db_url)
    rows = class_rows(course, args.assignment, [], _roster(args.roster))
    scored = {r.student: course.scores(args.assignment, r.student) for r in rows if r.status in (Outcome.GRADED, Outcome.REVIEW)}
    entries = diagnosis.catalogue(course.root, args.assignment, workers=args.workers)
    data = analytics.summarise(rows, {s: v[2] for s, v in scored.items() if v is not None}, entries)
    for student, found in data["per_student"].items():  # the students graded before the catalogue was made
        diagnosis.annotate_feedback(sorted(course.path("feedback", student, args.assignment).glob("*.html")), found["diagnosis"], entries)
    page, table = course.root / f"report-{args.assignment}.html", course.root / f"report-{args.assignment}.json"
    analytics.write_html(args.assignment, data, page)
    analytics.write_json(data, table)
    print(f"{data['students']} students; {data['lost_points']} lost points, {data['lost_points'] - len(data['undiagnosed'])} "
          f"diagnosed: " + ", ".join(f"{n} {c}" for n, c in data["mistakes"].items()))
    print(f"report: {page}\ndata: {table}")
    return 0


def _list_reviews(course, assignment):
    waiting = decided = 0
    for student in course.submitted_students(assignment):
        row, digest = read_journal(course.root, assignment, student)
        decision = row is not None and reviews.current(course.root, assignment, student, digest)
        if row is not None and row.status == Outcome.REVIEW:
            waiting += 1
            print(f"{student}: {row.withheld:g}/{row.max_score:g} withheld: {row.reason.split(': ', 1)[-1]}")
        elif decision:
            decided += 1
            print(f"{student}: {row.score:g}/{row.max_score:g}, {decision.summary()}")
    print(f"\n{waiting} waiting for review, {decided} decided (course-grade review {assignment} --course DIR --student S "
          "--accept | --score N --why TEXT)")
    return 0


def cmd_edition(args):
    """Build the student edition (lectures, exercises, the support package, pins): a git repository to publish."""
    from autograder.edition import EditionError, build

    try:
        files = build(args.out)
    except EditionError as exc:
        print(exc, file=sys.stderr)
        return 1
    record = json.loads((Path(args.out) / "released.json").read_text())
    print(f"student edition: {args.out} ({len(files)} files, one commit; checked: no solution or hidden-test line)")
    print(f"  released solutions: {', '.join(record['released_solutions']) or 'none'}")
    for kind in ("lectures_as_pages_until_released", "exercises_waiting_for_released"):
        for name, units in record[kind].items():
            print(f"  {name}: {kind.replace('_', ' ')} {', '.join(units)}")
    return 0


def cmd_release_solutions(args):
    """Release a unit's solutions to students (after its deadline): the next student edition holds them."""
    from autograder.edition import RELEASED_FILE, release_solutions

    try:
        units = release_solutions(args.unit, withdraw=args.withdraw)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(f"{RELEASED_FILE.name}: released solutions {', '.join(units) or 'none'}; "
          "rebuild the student edition (course-grade edition) and publish it")
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

    def common(p):
        p.add_argument("--workers", type=int, help="grading processes (default: all cores)")
        p.add_argument("--wall-seconds", type=int, help=f"time limit for one submission (default {sandbox.LIMITS.wall_seconds})")
        p.add_argument("--unisolated", dest="isolation", action="store_const", const="none", default="sandbox",
                       help="run student code WITHOUT the bubblewrap sandbox (only for code you trust)")
        p.add_argument("--exec-kernels", dest="isolation", action="store_const", const="sandbox-exec",
                       help="start each sandboxed kernel as a new process, not forked from a fork server (slower)")

    p = sub.add_parser("demo", help=cmd_demo.__doc__)
    common(p)
    p.add_argument("assignments", nargs="*", help="assignment ids (default: all)")
    p.add_argument("--course", default=str(REPO / "build" / "demo"), help="demo course directory (recreated)")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("cases", help=cmd_cases.__doc__)
    common(p)
    p.add_argument("assignment")
    p.add_argument("--case", action="append", help="grade only this case (repeatable)")
    p.add_argument("--course", help="course directory to use (default: a new temporary one)")
    p.set_defaults(func=cmd_cases)

    p = sub.add_parser("generate", help=cmd_generate.__doc__)
    p.add_argument("assignment")
    p.add_argument("--course", required=True, help="course directory")
    p.set_defaults(func=cmd_generate)

    p = sub.add_parser("grade", help=cmd_grade.__doc__)
    common(p)
    p.add_argument("--regrade", action="store_true", help="grade again students already graded (default: only new or changed submissions)")
    p.add_argument("--scheduler", help="Dask scheduler address (tcp://host:8786) to grade on a cluster sharing the course folder")
    p.add_argument("assignment")
    p.add_argument("--course", required=True, help="course directory holding submitted/<student>/<assignment>/")
    p.add_argument("--student", action="append", help="grade only this student (repeatable); re-grading replaces the old grade")
    p.add_argument("--roster", help="file with one student id per line: absent students get a 'missing' row")
    p.add_argument("--db-url", help="gradebook URL (default: sqlite in the course directory)")
    p.set_defaults(func=cmd_grade)

    p = sub.add_parser("review", help=cmd_review.__doc__)
    common(p)
    p.add_argument("assignment")
    p.add_argument("--course", required=True, help="course directory")
    p.add_argument("--student", help="the student to decide on (without it: list what waits for review)")
    decision = p.add_mutually_exclusive_group()
    decision.add_argument("--accept", action="store_true", help="give the score that was withheld")
    decision.add_argument("--score", type=float, help="give this score instead (the final score: no late penalty is taken from it)")
    p.add_argument("--why", help="the reason, kept in the audit record (required with a decision)")
    p.add_argument("--by", help="who decides (default: the current user)")
    p.add_argument("--db-url", help="gradebook URL (default: sqlite in the course directory)")
    p.set_defaults(func=cmd_review)

    p = sub.add_parser("export", help=cmd_export.__doc__)
    p.add_argument("assignments", nargs="+")
    p.add_argument("--course", required=True, help="course directory")
    p.add_argument("--to", choices=("canvas", "moodle", "wide"), required=True,
                   help="canvas-grades.csv, moodle-grades.csv, or tests-<assignment>.csv (every test's points)")
    p.add_argument("--roster", help="CSV with student_id and, for Canvas, name, canvas_id, sis_user_id, sis_login_id, "
                                    "section; for Moodle, email")
    p.add_argument("--db-url", help="gradebook URL (default: sqlite in the course directory)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("catalogue", help=cmd_catalogue.__doc__)
    p.add_argument("assignment")
    p.add_argument("--course", required=True, help="course directory")
    p.add_argument("--workers", type=int, help="grading processes (default: all cores)")
    p.set_defaults(func=cmd_catalogue)

    p = sub.add_parser("report", help=cmd_report.__doc__)
    p.add_argument("assignment")
    p.add_argument("--course", required=True, help="course directory (after course-grade grade)")
    p.add_argument("--roster", help="the file given to course-grade grade --roster: its absent students' rows count too")
    p.add_argument("--workers", type=int, help="grading processes for the mistake catalogue, made once per unit (default: all cores)")
    p.add_argument("--db-url", help="gradebook URL (default: sqlite in the course directory)")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("similarity", help=cmd_similarity.__doc__)
    p.add_argument("assignment")
    p.add_argument("--course", required=True, help="course directory (after course-grade grade)")
    p.add_argument("--threshold", type=float, default=0.8, help="flag pairs sharing at least this share of one answer (default 0.8)")
    p.add_argument("--min-tokens", type=int, default=60, help="leave out answers shorter than this many tokens (default 60)")
    p.add_argument("--common", type=int, default=10, help="leave out code found in more than this many students' answers, "
                                                          "as MOSS's -m does (default 10)")
    p.set_defaults(func=cmd_similarity)

    p = sub.add_parser("edition", help=cmd_edition.__doc__)
    p.add_argument("out", nargs="?", default=str(REPO / "build" / "student-edition"), help="folder to write (replaced)")
    p.set_defaults(func=cmd_edition)

    p = sub.add_parser("release-solutions", help=cmd_release_solutions.__doc__)
    p.add_argument("unit", help="the unit whose deadline has passed")
    p.add_argument("--withdraw", action="store_true", help="take the unit's solutions out of the next edition again")
    p.set_defaults(func=cmd_release_solutions)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    return args.func(args)
