"""The class-wide similarity report (autograder/similarity.py, course-grade similarity)."""
import copy
import re

import nbformat

from autograder import cases as cases_mod
from autograder import similarity
from autograder.cli import main
from autograder.course import EXERCISES, SOLUTIONS, Course

RELEASE = EXERCISES / "ngram" / "ngram.ipynb"
RENAMED = {"counts": "tallies", "context": "history", "vocab": "known_words", "sentences": "lines", "total": "n_all",
           "token": "tok", "word": "w", "prob": "p_value"}


def submission(case):
    [nb] = cases_mod.build_submission(cases_mod.load_cases("ngram", [case])[0], SOLUTIONS / "ngram", RELEASE.parent).values()
    return nb


def renamed(nb):
    """A copy with its variables renamed and a comment added to every answer, as a student hiding a copy would."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("solution") and cell.cell_type == "code":
            for old, new in RENAMED.items():
                cell.source = re.sub(rf"\b{old}\b", new, cell.source)
            cell.source = "# my own work\n" + cell.source
    return nb


def class_of_four():
    release = nbformat.read(RELEASE, as_version=4)
    ann = submission("complete")
    return {"ann": ann, "bob": renamed(ann), "cy": submission("alt_loops"), "dee": copy.deepcopy(release)}, release


def test_a_renamed_copy_is_the_top_pair_and_independent_answers_are_not_flagged():
    notebooks, release = class_of_four()
    pairs, compared = similarity.report(notebooks, release)
    assert compared and all(n == 3 for n in compared.values()), f"dee's unanswered cells are no answers: {compared}"
    flagged = {(p.a, p.b) for p in pairs}
    assert flagged == {("ann", "bob")}, sorted((p.grade_id, p.a, p.b, round(p.similarity, 2)) for p in pairs)
    assert len(pairs) >= 3, "the copy should show in most of the long answers"
    assert all("<mark>" in p.left and "<mark>" in p.right for p in pairs)


def test_the_release_code_and_short_answers_never_make_a_pair():
    release = nbformat.read(RELEASE, as_version=4)
    [(grade_id, stub)] = [(c.metadata["nbgrader"]["grade_id"], c.source) for c in release.cells
                          if c.metadata.get("nbgrader", {}).get("solution") and c.cell_type == "code"][:1]
    short = stub + "\nx = 1\n"
    assert similarity.similar_pairs({"ann": short, "bob": short}, stub) == [], "identical short answers are expected"


def test_student_code_is_escaped_on_the_page(tmp_path):
    code = "def f(x):\n    '''<script>alert(1)</script>'''\n" + "    y = x + 1\n" * 40 + "    return y\n"
    pairs = [similarity.Pair("f", "ann", "bob", 1.0, *similarity.similar_pairs({"ann": code, "bob": code}, "", min_tokens=1)[0][3:])]
    path = tmp_path / "page.html"
    similarity.write_html("ngram", pairs, {"f": 2}, path, 0.8)
    page = path.read_text()
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_the_command_reads_the_graded_notebooks(tmp_path, capsys):
    course = Course(tmp_path / "course")
    course.generate("ngram")
    notebooks, _ = class_of_four()
    for student, nb in notebooks.items():
        course.submit(student, "ngram", {"ngram.ipynb": nb})
        (course.path("canonical", student, "ngram")).mkdir(parents=True)
        nbformat.write(nb, course.path("canonical", student, "ngram") / "ngram.ipynb")
    assert main(["similarity", "ngram", "--course", str(course.root)]) == 0
    lines = (course.root / "similarity-ngram.csv").read_text().splitlines()
    assert lines[0] == "grade_id,student_a,student_b,similarity" and all(",ann,bob," in line for line in lines[1:]), lines
    assert "ann and bob" in (course.root / "similarity-ngram.html").read_text()


def test_code_most_of_the_class_shares_is_left_out_and_a_pair_sharing_what_nobody_else_has_is_not():
    notebooks, release = class_of_four()
    ann, cy = notebooks["ann"], notebooks["cy"]
    crowd = {f"s{i:02d}": copy.deepcopy(ann) for i in range(11)}  # a solution passed round eleven students
    crowd.update(cy=cy, cy_copy=renamed(cy))
    pairs, _ = similarity.report(crowd, release, common=10)
    assert {(p.a, p.b) for p in pairs} == {("cy", "cy_copy")}, sorted({(p.a, p.b) for p in pairs})
    pairs, _ = similarity.report(crowd, release, common=11)
    assert ("s00", "s01") in {(p.a, p.b) for p in pairs}, "code shared by no more than `common` students still counts"
