"""The class report (autograder/analytics.py, course-grade report)."""
import json

import pytest

from autograder import analytics, diagnosis
from autograder.cli import grade_cases, main
from autograder.course import Course
from autograder.report import Outcome, Row

ENTRIES = {"no_eos": {"fails": ["t_mle"], "description": "forgets </s>"},
           "n_bos": {"fails": ["t_count", "t_mle"], "description": "pads with n start symbols"}}


def row(student, status=Outcome.GRADED, score=4.0, seconds=2.0, **kw):
    return Row(student, "ngram", status, score, 4.0, seconds=seconds, **kw)


def per_test(*failed):
    return {t: (0.0 if t in failed else 2.0, 2.0, False) for t in ("t_count", "t_mle")}


def class_data():
    rows = [row("ann"), row("bob", score=2.0), row("cy", score=2.0), row("dee", score=0.0, seconds=8.0),
            row("eve", Outcome.FAILED, 0.0, reason="timeout"), row("fay", Outcome.MISSING, 0.0, seconds=0.0),
            row("gus", late_seconds=3600.0, late_penalty=0.4, score=3.6)]
    tests = {"ann": per_test(), "bob": per_test("t_mle"), "cy": per_test("t_mle"), "dee": per_test("t_count", "t_mle"),
             "gus": per_test()}
    return rows, tests


def test_the_summary_counts_outcomes_mistakes_and_the_hardest_test():
    rows, tests = class_data()
    data = analytics.summarise(rows, tests, ENTRIES)
    assert data["outcomes"] == {"graded": 5, "review": 0, "failed": 1, "missing": 1}
    assert (data["late"], data["late_penalised"]) == (1, 1)
    assert data["pass_rate"] == {"t_mle": 0.4, "t_count": 0.8}, "hardest first: 2 of 5 pass t_mle, 4 of 5 t_count"
    assert data["mistakes"] == {"no_eos": 2, "n_bos": 1}
    assert (data["lost_points"], data["undiagnosed"]) == (3, [])
    assert data["per_student"]["dee"]["diagnosis"] == ["n_bos"] and data["per_student"]["ann"]["diagnosis"] == []
    assert data["percent"] == [100.0, 50.0, 50.0, 0.0, 90.0]
    assert data["seconds"] == {"median": 2.0, "p95": 2.0}, "six timed submissions: 2, 2, 2, 2, 2, 8"


def test_the_page_has_its_figures_and_escapes_names(tmp_path):
    rows, tests = class_data()
    entries = dict(ENTRIES, **{"<b>odd</b>": {"fails": ["t_count"], "description": "<script>x</script>"}})
    tests["ann"] = per_test("t_count")
    data = analytics.summarise(rows, tests, entries)
    path = tmp_path / "report.html"
    analytics.write_html("ngram", data, path)
    page = path.read_text()
    assert page.count("<img") == 4, "scores, tests, grading time and mistakes are figures"
    assert "<script>" not in page and "&lt;script&gt;" in page and "&lt;b&gt;odd" in page


@pytest.mark.slow
def test_the_report_of_a_class_counts_its_known_mix_of_mistakes(tmp_path):
    course = Course(tmp_path / "course")
    mix = ["complete", "alt_loops", "no_eos", "n_bos", "vocab_no_unk"]
    rows = grade_cases(course, "ngram", mix, workers=2)
    for name in ("no_eos", "n_bos"):  # a second student who makes the same mistake
        src = course.path("submitted", name, "ngram")
        course.submit(f"{name}_again", "ngram", {p.name: p for p in src.glob("*.ipynb")})
    assert main(["grade", "ngram", "--course", str(course.root)]) == 0
    assert main(["report", "ngram", "--course", str(course.root)]) == 0
    catalogue = course.root / "catalogue" / "ngram.json"
    entries = json.loads(catalogue.read_text())["cases"]
    assert set(entries) == {c.name for c in diagnosis.mistake_cases("ngram")}, "every mistake case is catalogued"
    made = catalogue.stat().st_mtime_ns
    assert main(["report", "ngram", "--course", str(course.root)]) == 0
    assert catalogue.stat().st_mtime_ns == made, "the catalogue of an unchanged unit is not made again"
    data = json.loads((course.root / "report-ngram.json").read_text())
    assert data["students"] == 7 and data["outcomes"]["graded"] == 7, data["outcomes"]
    for name, count in (("no_eos", 2), ("n_bos", 2), ("vocab_no_unk", 1)):
        assert data["mistakes"].get(name) == count, f"{name}: {data['mistakes']}"
    assert data["per_student"]["complete"]["diagnosis"] == data["per_student"]["alt_loops"]["diagnosis"] == []
    assert "<img" in (course.root / "report-ngram.html").read_text()
    assert len(rows) == len(mix)
