"""The answer-key check: nothing a student can read in the student edition answers a graded question.

For each unit, the edition as it stands when the unit opens, with every earlier unit's solutions
released (the most a student can read then). For every graded function and class of the unit,
every callable of that edition whose signature fits (see :mod:`answer_key`) is pasted, with what it
needs from its file, under the graded name into the answer cell of a submission that is otherwise
the untouched release, and the submissions are graded through the hardened pipeline. A round holds
the k-th candidate of every graded name of the unit, so a unit takes as many submissions as its
most-matched name has candidates. No test cell may give a round a point that the untouched release
does not get.
"""
import ast
from collections import defaultdict

import nbformat
import pytest
from tqdm.auto import tqdm

import answer_key
from autograder import cases as cases_mod
from autograder import edition
from autograder.course import SOLUTIONS, Course, assignments
from autograder.hardened import grade_class

pytestmark = pytest.mark.slow

SYLLABUS = ("ngram", "rnn", "lstm_gru", "birnn", "seq2seq", "rnnlm")  # the order the units open in
BASELINE = "untouched"


def test_the_syllabus_names_every_unit():
    assert sorted(SYLLABUS) == assignments()


@pytest.fixture(scope="module")
def editions(tmp_path_factory):
    """{unit: the student edition when ``unit`` opens}, each built once."""
    root = tmp_path_factory.mktemp("answer-key-editions")
    built = {}
    for i, unit in enumerate(SYLLABUS):
        built[unit] = root / unit
        edition.stage(built[unit], released=list(SYLLABUS[:i]))
    return built


def graded_names(unit):
    """{grade_id: {name: Signature}} of the functions and classes the unit's answer cells define."""
    nb = nbformat.read(SOLUTIONS / unit / f"{unit}.ipynb", as_version=4)
    out = {}
    for cell in nb.cells:
        info = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and info.get("solution"):
            out[info["grade_id"]] = answer_key.callables(ast.parse(cases_mod.strip_solution_markers(cell.source)))
    return out


def queues(unit, candidates):
    """{(grade_id, graded name): the candidates whose signature fits it}."""
    return {(grade_id, name): [c for c in candidates if c.signature.fits(sig)]
            for grade_id, names in graded_names(unit).items() for name, sig in names.items()}


def screened(unit, folder, *queues):
    """For each of ``queues``: {(grade_id, graded name, Candidate): test cells it passes that the
    untouched release fails}, every candidate tried in one kernel (see :class:`answer_key.Screen`)."""
    source = nbformat.read(SOLUTIONS / unit / f"{unit}.ipynb", as_version=4)
    release = nbformat.read(next(folder.glob("*.ipynb")), as_version=4)
    found = [{} for _ in queues]
    with answer_key.Screen(source, release, folder) as screen:
        for queue, out in zip(queues, found):
            for (grade_id, name), candidates in tqdm(queue.items(), desc=f"{unit}: screening", leave=False):
                for c in candidates:
                    gained = screen.gains({name: c})
                    if gained:
                        out[grade_id, name, c] = gained
    return found


def planted_answers(unit, folder):
    """The control, which must earn points: the unit's own answer cells planted in a module of the
    support package of an otherwise empty edition, read back as candidates {(grade_id, name): Candidate}.
    (Their names from the notebook's provided cells are the notebook's when they are pasted.)"""
    cells = nbformat.read(SOLUTIONS / unit / f"{unit}.ipynb", as_version=4).cells
    code = [cases_mod.strip_solution_markers(c.source) for c in cells
            if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")]
    (folder / "lmcourse").mkdir(parents=True)
    (folder / "lmcourse" / "planted.py").write_text("\n\n".join(code) + "\n")
    by_name = {c.name: c for c in answer_key.candidates(folder)}
    return {(g, n): by_name[n] for g, names in graded_names(unit).items() for n in names}


def rounds(pasted):
    """Submissions for the pipeline: [{grade_id: [(graded name, Candidate), ...]}], the k-th
    candidate of every graded name in round k."""
    by_name = defaultdict(list)
    for grade_id, name, c in pasted:
        by_name[grade_id, name].append(c)
    out = []
    for k in range(max((len(q) for q in by_name.values()), default=0)):
        round_k = defaultdict(list)
        for (grade_id, name), q in by_name.items():
            if k < len(q):
                round_k[grade_id].append((name, q[k]))
        out.append(dict(round_k))
    return out


def submission(release, pasted):
    """The untouched release with each answer cell followed by the pasted candidates."""
    [nb_path] = release.glob("*.ipynb")
    nb = nbformat.read(nb_path, as_version=4)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.metadata.get("nbgrader", {}).get("solution") and grade_id in pasted:
            cell.source += "\n\n" + "\n\n".join(c.pasted_as(name) for name, c in pasted[grade_id])
    return {nb_path.name: nb}


def graded_gains(course, unit, plan):
    """Grade the untouched release and each round of ``plan`` through the hardened pipeline;
    [(Row, {test: points above the untouched release's})], one per round (no points unless graded)."""
    release = course.path("release", assignment=unit)
    students = [BASELINE] + [f"key{k:03d}" for k in range(len(plan))]
    course.submit(BASELINE, unit, {p.name: p for p in release.glob("*.ipynb")})
    for student, pasted in zip(students[1:], plan):
        course.submit(student, unit, submission(release, pasted))
    rows = {r.student: r for r in grade_class(course.root, unit, students, db_url=course.db_url,
                                             isolation=course.isolation, regrade=True)}
    assert rows[BASELINE].status == "graded", f"the untouched release was not graded: {rows[BASELINE].reason}"
    base = course.scores(unit, BASELINE)[2]
    out = []
    for student in students[1:]:
        scores = course.scores(unit, student)[2] if rows[student].status == "graded" else {}
        out.append((rows[student], {t: s - base[t][0] for t, (s, _, _) in scores.items() if s > base[t][0] + 1e-9}))
    return out


def describe(pasted):
    return "; ".join(f"{name} <- {c.name} ({c.origin})" for group in pasted.values() for name, c in group)


@pytest.mark.parametrize("unit", SYLLABUS)
def test_no_readable_callable_earns_a_point(unit, editions, tmp_path):
    course = Course(tmp_path / "course")
    release = course.generate(unit)
    queue = queues(unit, answer_key.candidates(editions[unit]))
    control = planted_answers(unit, tmp_path / "planted")
    found, control_gains = screened(unit, release, queue, {k: [c] for k, c in control.items()})
    print(f"\n{unit}: candidates tried per graded name: " + ", ".join(f"{n} {len(q)}" for (_, n), q in queue.items()))
    print(f"{unit}: {sum(map(len, queue.values()))} tried, {len(found)} pass a test in one kernel; "
          f"the unit's own answers pass {len(control_gains)} of {len(control)}")
    assert control_gains, "the screen finds no test passed even by the reference answers: it could not fail"

    plan = [{g: [(n, c)] for (g, n), c in control.items()}] + rounds(found)
    graded = graded_gains(course, unit, plan)
    (row, gained), *others = graded
    assert gained, f"the unit's own answers, pasted, earn nothing in the pipeline: {row.status} {row.reason[:1000]}"
    earned = [f"{describe(pasted)}: tests {sorted(gained)}" for pasted, (_, gained) in zip(plan[1:], others) if gained]
    print(f"{unit}: graded {len(plan)} submissions through the pipeline besides the untouched release; "
          f"{len(earned)} earned points")
    assert not earned, "callables a student can read earn points when pasted as answers:\n" + "\n".join(earned)
