"""Mistake diagnosis (autograder/diagnosis.py): the match of a submission to catalogued mistakes.
The catalogue itself is made and checked through the pipeline in tests/test_term.py."""
import json
import re

import nbformat
import pytest

from autograder import diagnosis
from autograder.course import REPO, SOLUTIONS, assignments
from autograder.leaks import HiddenText

ENTRIES = {
    "no_eos": {"fails": ["test_mle", "test_perplexity"], "description": "forgets </s>"},
    "n_bos": {"fails": ["test_count"], "description": "pads with n start symbols"},
    "same_as_n_bos": {"fails": ["test_count"], "description": "another way to fail test_count only"},
}


def test_failing_counts_lost_points_but_not_answers_waiting_for_a_ta():
    per_test = {"a": (2.0, 2.0, False), "b": (0.5, 2.0, False), "c": (None, 3.0, True), "d": (0.0, 0.0, False),
                "e": (None, 1.0, False)}
    assert diagnosis.failing(per_test) == {"b", "e"}


def test_a_submission_is_diagnosed_as_the_mistakes_with_its_exact_signature():
    assert diagnosis.diagnose({"test_mle", "test_perplexity"}, ENTRIES) == ["no_eos"]
    assert diagnosis.diagnose({"test_mle"}, ENTRIES) == [], "a part of a signature is not the mistake"
    assert diagnosis.diagnose({"test_mle", "test_perplexity", "test_count"}, ENTRIES) == []
    assert diagnosis.diagnose(set(), ENTRIES) == [], "a submission that fails nothing has no mistake"
    assert diagnosis.diagnose({"test_count"}, ENTRIES) == ["n_bos", "same_as_n_bos"]
    assert diagnosis.ambiguous(ENTRIES) == [["n_bos", "same_as_n_bos"]]


HINTED = {name: dict(entry, hint=f"Look again at <{name}> & its tests' idea.") for name, entry in ENTRIES.items()}


def feedback_page(tmp_path):
    path = tmp_path / "ngram.html"
    path.write_text("<!DOCTYPE html><html><head></head><body class='x'>\n<h1>ngram</h1></body></html>", encoding="utf-8")
    return path


def test_feedback_gets_the_hint_of_each_mistake_matched_escaped_at_the_top(tmp_path):
    path = feedback_page(tmp_path)
    diagnosis.annotate_feedback([path], ["n_bos", "same_as_n_bos"], HINTED)
    page = path.read_text()
    assert page.index("lmcourse-diagnosis") < page.index("<h1>ngram"), "the hint comes first"
    assert "Look again at &lt;n_bos&gt; &amp; its tests&#x27; idea." in page and "&lt;same_as_n_bos&gt;" in page
    assert "<n_bos>" not in page, "a hint is text, not HTML"


def test_annotating_again_replaces_the_hint_and_no_mistake_removes_it(tmp_path):
    path = feedback_page(tmp_path)
    original = path.read_text()
    diagnosis.annotate_feedback([path], ["no_eos"], HINTED)
    diagnosis.annotate_feedback([path], ["n_bos"], HINTED)
    page = path.read_text()
    assert page.count("lmcourse-diagnosis\"") == 1 and "&lt;n_bos&gt;" in page and "no_eos" not in page
    diagnosis.annotate_feedback([path], [], HINTED)
    assert path.read_text() == original, "a re-grade without a diagnosis leaves the page as nbgrader wrote it"


def test_a_mistake_without_a_hint_adds_nothing(tmp_path):
    path = feedback_page(tmp_path)
    original = path.read_text()
    diagnosis.annotate_feedback([path], ["no_eos"], ENTRIES)
    assert path.read_text() == original


def test_the_saved_catalogue_is_stale_when_a_case_hands_in_something_else_but_not_when_its_hint_changes(tmp_path, monkeypatch):
    cases_dir = tmp_path / "cases" / "ngram"
    cases_dir.mkdir(parents=True)
    case = cases_dir / "no_eos.py"
    header = '"""Forgets </s>.\n\nexpect: less\nbase: solution\nhint: {}\n"""\n# %% count_ngrams\n{}\n'
    case.write_text(header.format("First hint.", "x = 1"))
    monkeypatch.setattr(diagnosis.cases_mod, "CASES", tmp_path / "cases")
    course = tmp_path / "course"
    assert diagnosis.cached(course, "ngram") is None, "nothing is made yet"
    cases = diagnosis.mistake_cases("ngram")
    (course / "catalogue").mkdir(parents=True)
    (course / "catalogue" / "ngram.json").write_text(json.dumps(
        {"fingerprint": diagnosis._fingerprint(cases, "ngram"), "cases": {"no_eos": {"fails": ["test_mle"]}}}))
    assert diagnosis.cached(course, "ngram") == {"no_eos": {"fails": ["test_mle"], "description": "Forgets </s>.", "hint": "First hint."}}
    case.write_text(header.format("A clearer hint.", "x = 1"))
    assert diagnosis.cached(course, "ngram")["no_eos"]["hint"] == "A clearer hint.", "a reworded hint is read, not re-graded"
    case.write_text(header.format("A clearer hint.", "x = 2"))
    assert diagnosis.cached(course, "ngram") is None, "a case that hands in other code must be graded again"
    for damaged in ('{"fingerprint": "', "[]", '{"fingerprint": null}'):
        (course / "catalogue" / "ngram.json").write_text(damaged)
        assert diagnosis.cached(course, "ngram") is None, f"a damaged catalogue is no catalogue, not an error: {damaged}"


@pytest.mark.parametrize("unit", assignments())
def test_every_mistake_has_a_hint_that_shows_no_hidden_test_text(unit):
    hidden = HiddenText.of(nbformat.read(SOLUTIONS / unit / f"{unit}.ipynb", as_version=4),
                           nbformat.read(REPO / "exercises" / unit / f"{unit}.ipynb", as_version=4))
    for case in diagnosis.mistake_cases(unit):
        assert len(case.hint.split()) >= 8, f"{unit}/{case.name}.py needs a hint (a sentence or more) for its students"
        assert not hidden.find(case.hint), f"{unit}/{case.name}.py: the hint quotes hidden-test text"
        assert not re.search(r"hidden test|grader|\btest_\w+", case.hint), f"{unit}/{case.name}.py: a hint talks about the mistake, not the tests"
