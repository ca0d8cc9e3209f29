"""The answer-key check: nothing a student can read in the student edition answers a graded question.

For each unit, the edition as it stands when the unit opens, with every earlier unit's solutions
released (the most a student can read then). For every graded function and class of the unit,
every callable of that edition whose signature fits (see :mod:`answer_key`) is pasted, with what it
needs from its file, under the graded name into the untouched release, and the unit's test cells
that call that name (visible and hidden) run on it, in a child forked from one kernel that ran the
release's notebook with the grader's test cells. None may pass a test cell that the untouched
release fails. So that the check can fail, the unit's own answers are planted in a module of the
support package and go the same way; pasted into a submission, they also go through the hardened
pipeline and must earn points there.

The screen, not the pipeline, grades every candidate: there are about 1,800 of them, and a
submission takes about 3 s through the pipeline (some 90 minutes in all), against about 0.1 s here.
"""
import ast

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
NUMPY_UNITS = ("ngram", "rnn", "lstm_gru")
TORCH_UNITS = tuple(u for u in SYLLABUS if u not in NUMPY_UNITS)  # in test_answer_key_torch.py
BASELINE = "untouched"


def test_the_syllabus_names_every_unit():
    assert sorted(SYLLABUS) == assignments()


def edition_when_open(unit, folder):
    """The student edition in ``folder`` as it is when ``unit`` opens: every earlier unit released."""
    edition.stage(folder, released=list(SYLLABUS[:SYLLABUS.index(unit)]))
    return folder


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


def screened(unit, folder, queue, control):
    """{(grade_id, graded name, Candidate): test cells it passes}, every candidate of ``queue``
    tried in one kernel (see :class:`answer_key.Screen`), for the candidates and for the
    ``control`` ({(grade_id, name): Candidate}). A test cell that calls several graded names (one
    for perplexity and bits) runs with the control's answers for the others: a candidate gains the
    cells that pass with it and fail with the untouched release's answer in its place."""
    source = nbformat.read(SOLUTIONS / unit / f"{unit}.ipynb", as_version=4)
    release = nbformat.read(next(folder.glob("*.ipynb")), as_version=4)
    answers = {name: c for (_, name), c in control.items()}
    found, found_control = {}, {}
    with answer_key.Screen(source, release, folder) as screen:
        for (grade_id, name), candidates in tqdm(queue.items(), desc=f"{unit}: screening", leave=False):
            others = {n: answers[n] for n in screen.tested_with(name) & set(answers) - {name}}
            untouched = screen.passing(others, name)
            for c, out in [(c, found) for c in candidates] + [(control[grade_id, name], found_control)]:
                gained = screen.passing({**others, name: c}, name) - untouched
                if gained:
                    out[grade_id, name, c] = gained
    return found, found_control


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


def submission(release, pasted):
    """The untouched release with each answer cell followed by the pasted candidates."""
    [nb_path] = release.glob("*.ipynb")
    nb = nbformat.read(nb_path, as_version=4)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.metadata.get("nbgrader", {}).get("solution") and grade_id in pasted:
            cell.source += "\n\n" + "\n\n".join(c.pasted_as(name) for name, c in pasted[grade_id])
    return {nb_path.name: nb}


def graded_gains(course, unit, pasted):
    """Grade the untouched release and a submission with ``pasted`` ({grade_id: [(name, Candidate)]})
    through the hardened pipeline: its Row and {test: points above the untouched release's}."""
    release = course.path("release", assignment=unit)
    course.submit(BASELINE, unit, {p.name: p for p in release.glob("*.ipynb")})
    course.submit("pasted", unit, submission(release, pasted))
    rows = {r.student: r for r in grade_class(course.root, unit, [BASELINE, "pasted"], db_url=course.db_url,
                                             isolation=course.isolation, regrade=True)}
    assert rows[BASELINE].status == "graded", f"the untouched release was not graded: {rows[BASELINE].reason}"
    base = course.scores(unit, BASELINE)[2]
    scores = course.scores(unit, "pasted")[2] if rows["pasted"].status == "graded" else {}
    return rows["pasted"], {t: s - base[t][0] for t, (s, _, _) in scores.items() if s > base[t][0] + 1e-9}


@pytest.mark.parametrize("unit", NUMPY_UNITS)
def test_no_readable_callable_earns_a_point(unit, tmp_path):
    check_unit(unit, tmp_path)


def check_unit(unit, tmp_path):
    """The check of one unit (see the module's docstring)."""
    readable = edition_when_open(unit, tmp_path / "edition")
    course = Course(tmp_path / "course")
    release = course.generate(unit)
    queue = queues(unit, answer_key.candidates(readable))
    control = planted_answers(unit, tmp_path / "planted")
    found, control_gains = screened(unit, release, queue, control)
    print(f"\n{unit}: candidates tried per graded name: " + ", ".join(f"{n} {len(q)}" for (_, n), q in queue.items()))
    print(f"{unit}: {sum(map(len, queue.values()))} tried, {len(found)} pass a test the untouched release fails; "
          f"the unit's own answers, planted, pass for {len(control_gains)} of its {len(control)} graded names")
    assert control_gains, "the screen finds no test passed even by the reference answers: it could not fail"
    assert not found, "callables a student can read pass tests when pasted as answers:\n" + "\n".join(
        f"{name} <- {c.name} ({c.origin}): {sorted(tests)}" for (_, name, c), tests in found.items())

    row, gained = graded_gains(course, unit, {g: [(n, c)] for (g, n), c in control.items()})
    assert gained, f"the unit's own answers, pasted, earn nothing in the pipeline: {row.status} {row.reason[:1000]}"
