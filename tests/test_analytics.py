"""The class report (autograder/analytics.py); course-grade report on a graded class is in tests/test_term.py,
the page in a browser in tests/test_browser.py."""
from autograder import analytics
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
