"""Grading throughput: the hardened path at 1 and 2 workers against plain ``nbgrader autograde``.

    python benchmarks/bench_grading.py [--unit ngram] [--n 200] [--workers 1,2] [--rounds 4] [--dir DIR]
                                       [--no-plain] [--no-exec] [--keep] [--old] [--today REF]

Generates N submissions of a unit (default ``ngram``) from its example cases (autograder/cases/UNIT):
for ``ngram`` a fixed mix of correct ones (complete, alt_loops), wrong ones (the mistake cases) and
broken ones (raises, untouched); for another unit its complete answers, every mistake case and its
broken cases in turn. Then grades the same submissions, in one run, in interleaved rounds (each
grader grades a quarter of the submissions in turn, then the next quarter, ...):

* hardened, for each worker count: a fresh course directory, the release generated (not timed), then
  ``autograder.hardened.grade_class`` with the bubblewrap sandbox on (timed: canonical notebooks,
  tamper scan, sandboxed autograde with the tests in the grader's process, feedback HTML, journal),
  its kernels forked from a fork server (autograder.forkserver, the default);
* exec, for each worker count: the same with each kernel a new process (``--exec-kernels``);
* old (``--old``), for each worker count: the same with the tests in the student's kernel
  (``tests_in_kernel``), the path before the process boundary;
* today (``--today REF``): the grader of an earlier commit, on this checkout's solutions and support
  package (the same tests), in its own process;
* plain: per round, a plain nbgrader course directory (``source`` linked to solutions/, the repository's
  nbgrader_config.py), ``nbgrader generate_assignment ngram`` (not timed), then
  ``nbgrader autograde UNIT`` (timed, the whole command: one process, serial, no sandbox, no
  feedback), then ``nbgrader generate_feedback UNIT`` (timed separately: the hardened path writes
  feedback for every submission, so "plain autograde + generate_feedback" is the like-for-like line).

Prints submissions per minute side by side, the time from a worker taking a submission to its
feedback being written (median and 95th percentile), the projected time of 500 submissions, the
2-vs-1 worker speed-up (target >= 1.7x), the hardened-vs-plain and hardened-vs-exec time per
submission, and checks that every side gave each submission the same score. The machine's load average is printed with the
figures: on a shared machine they move with it, and the rounds spread that movement over all graders.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CORRECT = ("complete", "alt_loops")
WRONG = ("addk_no_kv", "backoff_no_alpha", "ctx_from_unigrams", "n_bos", "no_eos", "partly_wrong",
         "ppl_per_sentence", "vocab_no_unk")
BROKEN = ("raises", "untouched")
# one cycle: 6 correct, 8 wrong, 2 broken of 16 (38% / 50% / 12%)
CYCLE = ("complete", "addk_no_kv", "raises", "alt_loops", "backoff_no_alpha", "untouched", "complete",
         "ctx_from_unigrams", "n_bos", "alt_loops", "no_eos", "partly_wrong", "complete", "ppl_per_sentence",
         "alt_loops", "vocab_no_unk")


BROKEN_PREFIX = "broken_"


def kind(case):
    if case in CORRECT or case == "complete":
        return "correct"
    return "broken" if case in BROKEN or case.startswith(BROKEN_PREFIX) else "wrong"


def cycle_of(unit):
    """The cases one cycle of submissions goes through: CYCLE for ngram; for another unit its
    complete answers (as often as a third of its mistakes), each mistake case and its broken cases."""
    if unit == "ngram":
        return CYCLE
    from autograder import cases as cases_mod

    names = [c.name for c in cases_mod.load_cases(unit) if not c.name.startswith("hostile_")
             and c.name not in ("verbose_correct", "helper_module")]
    others = [n for n in names if n != "complete"]
    return tuple(["complete"] * max(1, len(others) // 3) + others)


def student_cases(n, cycle=CYCLE):
    """{student id: case name} for n submissions, cycling through ``cycle``."""
    return {f"s{i:04d}_{cycle[i % len(cycle)]}": cycle[i % len(cycle)] for i in range(n)}


def build_notebooks(workdir, unit, cycle):
    """{case: {notebook name: NotebookNode}} from a freshly generated release."""
    from autograder import cases as cases_mod
    from autograder.course import SOLUTIONS, Course

    release = Course(workdir / "release-course", isolation="none").generate(unit)
    return {c.name: cases_mod.build_submission(c, SOLUTIONS / unit, release)
            for c in cases_mod.load_cases(unit, sorted(set(cycle)))}


def hardened_course(workdir, unit, students, notebooks, workers, isolation):
    """A fresh course directory holding every submission (set-up, not timed)."""
    from autograder.course import Course

    course = Course(workdir / f"hardened-{workers}w", isolation=isolation)
    course.generate(unit)
    for student, case in students.items():
        course.submit(student, unit, notebooks[case])
    return course


def run_hardened(course, unit, chunk, workers, isolation, tests_in_kernel=False):
    """Grade the students of ``chunk``; returns (seconds, {student: (status, score)}, the rows)."""
    from autograder.hardened import grade_class

    start = time.perf_counter()
    rows = grade_class(course.root, unit, chunk, workers=workers, db_url=course.db_url,
                       isolation=isolation, regrade=True, progress=False, tests_in_kernel=tests_in_kernel)
    seconds = time.perf_counter() - start
    return seconds, {r.student: (r.status, r.score) for r in rows}, rows


# The grader of an earlier commit ("today" before a change), run in its own process from a git
# worktree of that commit that holds this checkout's solutions/ and lmcourse/, so that both graders
# run the same tests on the same support package. Set-up is one call, each round another; only
# grade_class is timed.
TODAY_SCRIPT = """
import json, sys, time
from pathlib import Path
import nbformat
sys.path.insert(0, sys.argv[1])
from autograder.course import Course
from autograder.hardened import grade_class
root, mode, arg = Path(sys.argv[2]), sys.argv[3], sys.argv[4]
if mode == "setup":
    course = Course(root)
    course.generate("ngram")
    for folder in sorted(Path(arg).iterdir()):
        course.submit(folder.name, "ngram", {p.name: nbformat.read(p, as_version=4) for p in folder.glob("*.ipynb")})
else:
    course = Course(root)
    chunk = json.loads(arg)
    start = time.perf_counter()
    rows = grade_class(root, "ngram", chunk, workers=int(sys.argv[5]), db_url=course.db_url, regrade=True, progress=False)
    print(json.dumps([time.perf_counter() - start, {r.student: [r.status, r.score] for r in rows}]))
"""


def today_course(workdir, ref, students, notebooks):
    """A worktree of ``ref`` with this checkout's solutions/ and lmcourse/, and a course directory
    graded by it holding every submission (set-up, not timed); returns (worktree, course root)."""
    import nbformat

    tree = workdir / "today-tree"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), ref], check=True, capture_output=True)
    for name in ("solutions", "lmcourse"):
        shutil.rmtree(tree / name)
        shutil.copytree(ROOT / name, tree / name)
    subs = workdir / "today-submissions"
    for student, case in students.items():
        (subs / student).mkdir(parents=True)
        for name, nb in notebooks[case].items():
            nbformat.write(nb, subs / student / name)
    root = workdir / "today-course"
    subprocess.run([sys.executable, "-c", TODAY_SCRIPT, str(tree), str(root), "setup", str(subs)], check=True, env=today_env(tree))
    return tree, root


def today_env(tree):
    # the earlier grader's kernels inherit its environment: this makes them import the worktree's
    # lmcourse (the venv's editable install points at this checkout, which its sandbox does not show)
    return dict(os.environ, PYTHONPATH=str(tree))


def run_today(tree, root, chunk, workers):
    """Grade ``chunk`` with the earlier commit's grader; returns (seconds, {student: (status, score)})."""
    import json

    proc = subprocess.run([sys.executable, "-c", TODAY_SCRIPT, str(tree), str(root), "grade", json.dumps(chunk), str(workers)],
                          capture_output=True, text=True, check=True, env=today_env(tree))
    seconds, rows = json.loads(proc.stdout.strip().splitlines()[-1])
    return seconds, {st: tuple(v) for st, v in rows.items()}


def plain_env():
    env = dict(os.environ, LMCOURSE_AUTOGRADING="1", MPLBACKEND="Agg")  # as the hardened path sets for kernels
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")  # nbgrader runs alembic
    return env


PLAIN_CONFIG = """c = get_config()
c.CourseDirectory.course_id = "lmcourse"
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
c.Execute.timeout = 300
"""


def plain_course(root, unit, chunk, students, notebooks):
    """A plain nbgrader course directory (``source`` linked to solutions/, nbgrader's own pipeline
    with the course's stubs and cell timeout) with the release generated and the submissions of
    ``chunk`` (not timed)."""
    import nbformat

    from autograder.course import SOLUTIONS

    root.mkdir()
    (root / "source").symlink_to(SOLUTIONS, target_is_directory=True)
    (root / "nbgrader_config.py").write_text(PLAIN_CONFIG)
    gen = subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", unit], cwd=root, env=plain_env(),
                         capture_output=True, text=True)
    if gen.returncode != 0:
        raise RuntimeError(f"nbgrader generate_assignment failed:\n{gen.stdout}{gen.stderr}")
    for student in chunk:
        folder = root / "submitted" / student / unit
        folder.mkdir(parents=True)
        for name, nb in notebooks[students[student]].items():
            nbformat.write(nb, folder / name)
    return root


def run_plain(root, unit, chunk, feedback=True):
    """``nbgrader autograde UNIT`` in ``root``, then (if ``feedback``) ``nbgrader generate_feedback
    UNIT``; returns (autograde seconds, feedback seconds or None, {student: (status, score)})."""
    from nbgrader.api import Gradebook, MissingEntry

    def timed_command(*args):
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=root, env=plain_env(), capture_output=True, text=True)
        if proc.returncode != 0:
            print(f"(nbgrader {args[0]} exited {proc.returncode}: {proc.stderr.strip().splitlines()[-1:]})", file=sys.stderr)
        return time.perf_counter() - start

    seconds = timed_command("autograde", unit)
    feedback_seconds = timed_command("generate_feedback", unit) if feedback else None
    outcomes = {}
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        for student in chunk:
            try:
                outcomes[student] = ("graded", gb.find_submission(unit, student).score)
            except MissingEntry:
                outcomes[student] = ("no grade", 0.0)
    return seconds, feedback_seconds, outcomes


GRADERS = {"h": "hardened (sandbox, forked kernels)", "x": "hardened (sandbox, exec kernels)",
           "k": "old: tests in kernel", "t": "today"}


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))] if values else float("nan")


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--unit", default="ngram", help="the unit whose cases are graded (default ngram)")
    parser.add_argument("--n", type=int, default=200, help="number of submissions (default 200)")
    parser.add_argument("--workers", default="1,2", help="worker counts for the hardened path (default 1,2)")
    parser.add_argument("--rounds", type=int, default=4, help="interleaved rounds (default 4, see the code)")
    parser.add_argument("--dir", help="work directory (default: a new temporary one)")
    parser.add_argument("--no-plain", action="store_true", help="skip plain nbgrader autograde")
    parser.add_argument("--no-exec", action="store_true", help="skip the hardened path with a new process per kernel")
    parser.add_argument("--old", action="store_true", help="also time the hardened path with the tests in the kernel (before the process boundary)")
    parser.add_argument("--today", metavar="REF",
                        help="also time the grader of git commit REF (the grader before a change) on the same tests (ngram only)")
    parser.add_argument("--no-plain-feedback", action="store_true",
                        help="skip timing plain nbgrader generate_feedback (the hardened path always writes feedback)")
    parser.add_argument("--unisolated", action="store_true", help="hardened path without the sandbox (not the benchmark's setting)")
    parser.add_argument("--keep", action="store_true", help="keep the course directories")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    from autograder import sandbox

    isolation = "none" if args.unisolated else "sandbox"
    if isolation == "sandbox":
        ok, reason = sandbox.available()
        if not ok:
            sys.exit(f"cannot sandbox: {reason} (use --unisolated to measure without it)")
    if args.today and args.unit != "ngram":
        sys.exit("--today grades ngram only")
    workdir = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="lmcourse-bench-grading-"))
    workdir.mkdir(parents=True, exist_ok=True)
    if any(workdir.iterdir()):
        sys.exit(f"{workdir} is not empty")
    unit, worker_counts = args.unit, [int(w) for w in args.workers.split(",")]
    students = student_cases(args.n, cycle_of(unit))
    mix = Counter(kind(c) for c in students.values())
    load0 = os.getloadavg()
    print(f"{args.n} {unit} submissions: {mix['correct']} correct, {mix['wrong']} wrong, {mix['broken']} broken; "
          f"{os.cpu_count()} cores, load average {load0[0]:.2f} {load0[1]:.2f} {load0[2]:.2f}; work dir {workdir}",
          flush=True)
    try:
        notebooks = build_notebooks(workdir, unit, cycle_of(unit))
        # Every grader grades the same submissions in R rounds of n/R (the same mix in each); the
        # graders take turns within a round, in an order rotated each round, so that a change in
        # the machine's load falls on all of them alike instead of on whichever ran last.
        chunks = [[st for i, st in enumerate(students) if i % args.rounds == r] for r in range(args.rounds)]
        kinds = "h" + ("" if args.no_exec else "x") + ("k" if args.old else "")
        isolations = {"h": isolation, "x": "sandbox-exec" if isolation == "sandbox" else isolation, "k": isolation}
        courses = {f"{k}{w}": hardened_course(workdir / k, unit, students, notebooks, w, isolations[k])
                   for k in kinds for w in worker_counts}
        today = today_course(workdir, args.today, students, notebooks) if args.today else None
        graders = list(courses) + ([f"t{w}" for w in worker_counts] if today else []) + ([] if args.no_plain else ["plain"])
        seconds = {g: 0.0 for g in graders + ["feedback"]}
        outcomes = {g: {} for g in graders}
        graded_rows = {g: [] for g in graders}  # the hardened graders' rows, with their steps' times
        for r, chunk in enumerate(chunks):
            plain_root = None if args.no_plain else plain_course(workdir / f"plain-{r}", unit, chunk, students, notebooks)
            for g in graders[r % len(graders):] + graders[:r % len(graders)]:
                if g == "plain":
                    sec, fb_sec, out = run_plain(plain_root, unit, chunk, feedback=not args.no_plain_feedback)
                    seconds["feedback"] += fb_sec or 0.0
                elif g.startswith("t"):
                    sec, out = run_today(*today, chunk, int(g[1:]))
                else:
                    sec, out, rows = run_hardened(courses[g], unit, chunk, int(g[1:]), isolations[g[0]], tests_in_kernel=g[0] == "k")
                    graded_rows[g] += rows
                seconds[g] += sec
                outcomes[g].update(out)
            print(f"  round {r + 1}/{args.rounds} ({len(chunk)} submissions): "
                  + ", ".join(f"{g} {seconds[g]:.0f} s" for g in graders) + " so far", flush=True)
        report(args, unit, graders, seconds, outcomes, graded_rows, students)
    finally:
        if (workdir / "today-tree").exists():
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(workdir / "today-tree")], capture_output=True)
        if not args.keep and not args.dir:
            shutil.rmtree(workdir, ignore_errors=True)
        elif args.keep:
            print(f"course directories kept in {workdir}")


def report(args, unit, graders, seconds, outcomes, graded_rows, students):
    """The table, the time to feedback, the projections, the ratios against the targets, and the scores check."""
    from autograder.report import step_times

    results = []  # (grader, label, workers, seconds, outcomes)
    for g in graders:
        if g == "plain":
            results.append((g, "plain nbgrader autograde", 1, seconds["plain"], outcomes["plain"]))
            if not args.no_plain_feedback:
                results.append(("plain+fb", "plain autograde + generate_feedback", 1, seconds["plain"] + seconds["feedback"],
                                outcomes["plain"]))
        else:
            w = int(g[1:])
            label = GRADERS[g[0]] + (f" ({args.today[:10]})" if g[0] == "t" else "")
            results.append((g, f"{label}, {w} worker{'s' if w > 1 else ''}", w, seconds[g], outcomes[g]))
    load1 = os.getloadavg()
    print()
    head = f"{'grader':<46} {'n':>5} {'seconds':>9} {'subs/min':>9} {'s/sub':>7} {'500 subs':>9}  outcomes"
    print(head)
    print("-" * len(head))
    for _, label, _, sec, out in results:
        statuses = Counter(s for s, _ in out.values())
        print(f"{label:<46} {args.n:>5} {sec:>9.1f} {60 * args.n / sec:>9.1f} {sec / args.n:>7.2f} {500 * sec / args.n / 60:>7.1f} m  "
              + ", ".join(f"{k} {v}" for k, v in sorted(statuses.items())))
    print(f"load average at the end {load1[0]:.2f} {load1[1]:.2f} {load1[2]:.2f}")
    for g in graders:
        if graded_rows[g]:
            times = [r.seconds for r in graded_rows[g]]
            print(f"{g}: a submission's time from a worker taking it to its feedback: median {percentile(times, 0.5):.2f} s, "
                  f"95th percentile {percentile(times, 0.95):.2f} s; {step_times(graded_rows[g])}")
    per_sub = {g: sec / args.n for g, _, _, sec, _ in results}
    if "h1" in per_sub and "h2" in per_sub:
        speedup = per_sub["h1"] / per_sub["h2"]
        print(f"speed-up, 2 workers vs 1: {speedup:.2f}x (target >= 1.7x: {'met' if speedup >= 1.7 else 'NOT met'})")
    for w in (1, 2):
        if f"h{w}" in per_sub and f"x{w}" in per_sub:
            print(f"forked vs exec kernels, {w} worker{'s' if w > 1 else ''}: {per_sub[f'x{w}'] / per_sub[f'h{w}']:.2f}x faster")
    for plain in ("plain", "plain+fb"):
        if plain in per_sub and "h2" in per_sub:
            ratio = per_sub[plain] / per_sub["h2"]
            target = " (target for ngram >= 6x: " + ("met" if ratio >= 6 else "NOT met") + ")" if unit == "ngram" else ""
            print(f"hardened, 2 workers vs {plain}: {ratio:.2f}x faster per submission{target}")
    if "h2" in per_sub:
        minutes = 500 * per_sub["h2"] / 60
        print(f"500 {unit} submissions projected at 2 workers: {minutes:.1f} min"
              + ("" if unit == "ngram" else f" (target for the heaviest torch unit < 10 min: {'met' if minutes < 10 else 'NOT met'})"))
    scores = [{st: round(score, 6) for st, (_, score) in out.items()} for *_, out in results]
    differ = sorted({st for other in scores[1:] for st in students if other[st] != scores[0][st]})
    if differ:
        print(f"SCORES DIFFER between the graders for {len(differ)} submissions, e.g. "
              + ", ".join(f"{st}: {[sc[st] for sc in scores]}" for st in differ[:5]))
    else:
        print(f"every grader gave all {args.n} submissions the same score")


if __name__ == "__main__":
    main()
