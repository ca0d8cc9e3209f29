"""Unit tests of the autograder's own pieces: case files, submissions, the report."""
import csv
import math

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from autograder import cases as cases_mod
from autograder.cli import compare_trees
from autograder.nbclean import clean
from autograder.report import Outcome, Row, format_table, write_csv


def answer(grade_id, source):
    meta = {"grade": False, "grade_id": grade_id, "locked": False, "schema_version": 3, "solution": True, "task": False}
    return new_code_cell(source, metadata={"nbgrader": meta})


def test_parse_case_reads_header_and_sections(tmp_path):
    path = tmp_path / "wrong.py"
    path.write_text('"""Squares badly.\n\nexpect: less\nbase: solution\n"""\n# %% square\ndef square(x):\n    return 2 * x\n\n# %% cube\ndef cube(x):\n    return x\n')
    case = cases_mod.parse_case(path)
    assert (case.name, case.description, case.expect, case.base) == ("wrong", "Squares badly.", "less", "solution")
    assert case.sections == {"square": "def square(x):\n    return 2 * x\n", "cube": "def cube(x):\n    return x\n"}


def test_parse_case_reads_a_hint_to_the_next_blank_line(tmp_path):
    path = tmp_path / "wrong.py"
    path.write_text('"""Squares badly.\n\nexpect: less\nbase: solution\nhint: Look again at\n  what squaring means.\n\n'
                    'A note for staff, not the hint.\n"""\n# %% square\ndef square(x):\n    return 2 * x\n')
    case = cases_mod.parse_case(path)
    assert case.hint == "Look again at what squaring means.", case.hint
    assert case.sections == {"square": "def square(x):\n    return 2 * x\n"}, "the hint is not part of the submission"


@pytest.mark.parametrize("header", ['"""No fields."""\n', '"""x\n\nexpect: most\nbase: solution\n"""\n', '"""x\n\nexpect: full\nbase: mine\n"""\n'])
def test_parse_case_rejects_a_bad_header(tmp_path, header):
    path = tmp_path / "bad.py"
    path.write_text(header)
    with pytest.raises(ValueError, match="expect"):
        cases_mod.parse_case(path)


def test_a_row_holds_one_of_the_outcomes():
    assert Row("s", "a", "review").status is Outcome.REVIEW, "a plain string (as a journal holds it) becomes an Outcome"
    with pytest.raises(ValueError):
        Row("s", "a", "passed")


def test_outcomes():
    def row(status, score=0.0, max_score=5.0):
        return Row("s", "a", status, score, max_score)

    def case(expect):
        return cases_mod.Case("c", "", expect, "solution")

    assert case("less").outcome_ok(row("graded", 3)) and not case("less").outcome_ok(row("graded", 5))
    assert not case("less").outcome_ok(row("failed")), "a failed submission is not a graded one"
    assert case("full").outcome_ok(row("graded", 5.0)) and not case("full").outcome_ok(row("review", 5.0))
    assert case("zero").outcome_ok(row("graded", 0)) and not case("zero").outcome_ok(row("graded", 1))
    assert case("review").outcome_ok(row("review")) and not case("review").outcome_ok(row("graded", 5))
    assert case("failed").outcome_ok(row("failed")) and not case("failed").outcome_ok(row("missing"))


def test_build_submission_fills_from_base_then_replaces(tmp_path):
    source, release = tmp_path / "source", tmp_path / "release"
    source.mkdir(), release.mkdir()
    src = new_notebook(cells=[answer("square", "def square(x):\n    ### BEGIN SOLUTION\n    return x * x\n    ### END SOLUTION\n"),
                              answer("cube", "def cube(x):\n    ### BEGIN SOLUTION\n    return x ** 3\n    ### END SOLUTION\n")])
    rel = new_notebook(cells=[answer("square", "def square(x):\n    raise NotImplementedError()\n"),
                              answer("cube", "def cube(x):\n    raise NotImplementedError()\n")])
    nbformat.write(src, source / "a.ipynb")
    nbformat.write(rel, release / "a.ipynb")
    case = cases_mod.Case("c", "", "less", "solution", {"cube": "def cube(x):\n    return x\n"})
    nb = cases_mod.build_submission(case, source, release)["a.ipynb"]
    assert nb.cells[0].source == "def square(x):\n    return x * x\n"
    assert nb.cells[1].source == "def cube(x):\n    return x\n"
    untouched = cases_mod.build_submission(cases_mod.Case("u", "", "zero", "release"), source, release)["a.ipynb"]
    assert "NotImplementedError" in untouched.cells[0].source
    with pytest.raises(ValueError, match="nope"):
        cases_mod.build_submission(cases_mod.Case("c", "", "less", "solution", {"nope": "x = 1"}), source, release)


def test_every_committed_case_file_parses():
    folders = [p for p in cases_mod.CASES.iterdir() if p.is_dir()]
    assert folders
    for folder in folders:
        names = [c.name for c in cases_mod.load_cases(folder.name)]
        assert {"complete", "untouched", "partly_wrong", "raises"} <= set(names), f"{folder.name} lacks a demo case"


def test_report_table_and_csv(tmp_path):
    rows = [Row("ann", "ngram", "graded", 30, 30, seconds=1.2, expected="full", verdict="ok"),
            Row("bob", "ngram", "graded", 12.5, 30, reason="lost points: test_x", expected="less", verdict="ok"),
            Row("cy", "ngram", "missing", reason="no submission", expected="zero", verdict="WRONG")]
    table = format_table(rows)
    assert "12.5/30" in table and "lost points: test_x" in table
    assert "3 submissions: 2 graded, 0 review, 0 failed, 1 missing" in table and "UNEXPECTED: cy" in table
    write_csv(rows, tmp_path / "g.csv")
    got = list(csv.DictReader(open(tmp_path / "g.csv")))
    assert [(r["student_id"], r["score"], r["percent"], r["status"]) for r in got] == [
        ("ann", "30", "100.0", "graded"), ("bob", "12.5", "41.7", "graded"), ("cy", "0", "0.0", "missing")]


def test_compare_trees_reports_changed_added_and_removed(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for d in (a, b):
        (d / "x").mkdir(parents=True)
        (d / "x" / "same.txt").write_text("1")
    (a / "x" / "changed.txt").write_text("new")
    (b / "x" / "changed.txt").write_text("old")
    (a / "x" / "added.txt").write_text("")
    (b / "x" / "removed.txt").write_text("")
    assert compare_trees(a, b) == ["x/added.txt", "x/changed.txt", "x/removed.txt"]


def test_clean_resets_counts_and_drops_metadata():
    nb = new_notebook(cells=[new_code_cell("0", execution_count=7), new_code_cell("1", execution_count=3, metadata={"collapsed": True, "tags": ["t"]})])
    nb.cells[1].outputs = [nbformat.v4.new_output("execute_result", data={"text/plain": "1"}, execution_count=3)]
    nb.metadata["widgets"] = {}
    clean(nb, keep_outputs=True)
    cell = nb.cells[1]
    assert cell.execution_count == 2 and cell.outputs[0]["execution_count"] == 2, "lectures are numbered in cell order"
    assert dict(cell.metadata) == {"tags": ["t"]} and "widgets" not in nb.metadata
    clean(nb)
    assert nb.cells[1].outputs == [] and nb.cells[1].execution_count is None


def test_disguise_renames_locals_but_not_parameters_keywords_or_globals():
    source = "import math\nLIMIT = 3\n\ndef f(xs, scale=2):\n    total = 0  # running sum\n    for x in xs:\n" \
             "        total += x * scale\n    best = max(xs, key=lambda x: -x)\n" \
             "    return g(total=total, limit=LIMIT) + math.pi + best\n"
    nb = new_notebook(cells=[answer("f", source)])
    cases_mod.disguise({"nb.ipynb": nb})
    out = nb.cells[0].source
    assert out.startswith("# my own work") and "running sum" not in out
    assert "my_total = 0" in out and "for my_x in xs" in out and "g(total=my_total, limit=LIMIT)" in out, out
    assert "def f(xs, scale=2)" in out and "math.pi" in out and "my_xs" not in out
    namespace = {"g": lambda total, limit: total}
    exec(source, namespace)
    expected = namespace["f"]([1, 2])
    exec(out, namespace)
    assert namespace["f"]([1, 2]) == expected == 7 + math.pi, "the disguised code computes the same"
    assert "lambda x: -x" in out, "a lambda's parameter is not a local of the function around it"


def test_the_table_ends_with_the_median_time_of_each_step():
    rows = [Row("a", "x", Outcome.GRADED, 1, 1, steps={"read": 0.01, "kernel_start": 1.0, "cells": 2.0}),
            Row("b", "x", Outcome.GRADED, 1, 1, steps={"read": 0.03, "kernel_start": 3.0, "cells": 4.0}),
            Row("c", "x", Outcome.MISSING)]
    last = format_table(rows).splitlines()[-1]
    assert last == "median seconds per submission: read 0.02, kernel start 2.00, notebook (the student's cells and the tests) 3.00", last
    assert "median seconds" not in format_table([Row("c", "x", Outcome.MISSING)]), "no timings, no line"
