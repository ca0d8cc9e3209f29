"""A TA's review decisions (autograder/reviews.py) and ``course-grade review`` on a flagged submission."""
import csv
import json

import pytest

from autograder import reviews
from autograder.cli import grade_cases, main
from autograder.course import Course
from autograder.hardened import grade_one, read_journal
from autograder.report import Outcome, Row


def review_row(withheld=24.0):
    return Row("ann", "ngram", Outcome.REVIEW, 0.0, 32.0, withheld=withheld, reason="score withheld: flagged")


def test_a_decision_needs_a_reason_and_a_score_only_when_it_overrides():
    for bad in [dict(action="accept", why=""), dict(action="override", why="x"), dict(action="accept", why="x", score=3),
                dict(action="maybe", why="x")]:
        with pytest.raises(ValueError):
            reviews.decide(submission="h", **bad)
    d = reviews.decide("override", " harmless getattr ", "h", score=20, by="tara")
    assert (d.by, d.why, d.score) == ("tara", "harmless getattr", 20.0) and d.at.endswith("+00:00")


def test_accept_gives_the_withheld_score_and_override_its_own_within_the_maximum():
    accept = reviews.decide("accept", "fine", "h", by="tara")
    row = reviews.apply(review_row(), accept, "stupid_backoff: uses getattr")
    assert (row.status, row.score) == (Outcome.GRADED, 24.0)
    assert "accepted after review by tara" in row.reason and "fine" in row.reason and "getattr" in row.reason
    assert reviews.apply(review_row(), reviews.decide("override", "x", "h", score=50), "f").score == 32.0
    assert reviews.apply(review_row(), reviews.decide("override", "x", "h", score=-3), "f").score == 0.0
    with pytest.raises(ValueError):
        reviews.apply(Row("ann", "ngram", Outcome.GRADED, 3.0, 32.0), accept, "f")


def test_the_audit_trail_keeps_every_decision_and_the_newest_for_a_submission_applies(tmp_path):
    first = reviews.decide("accept", "looks fine", "hash1", by="tara")
    second = reviews.decide("override", "on second thought", "hash1", score=10, by="otto")
    other = reviews.decide("accept", "old submission", "hash0", by="tara")
    for d in (other, first, second):
        reviews.record(tmp_path, "ngram", "ann", d)
    assert reviews.history(tmp_path, "ngram", "ann") == [other, first, second]
    assert reviews.current(tmp_path, "ngram", "ann", "hash1") == second
    assert reviews.current(tmp_path, "ngram", "ann", "hash2") is None, "a new submission has not been reviewed"
    assert reviews.current(tmp_path, "ngram", "bob", "hash1") is None
    saved = json.loads((tmp_path / "reviews" / "ngram" / "ann.json").read_text())
    assert [d["by"] for d in saved] == ["tara", "tara", "otto"]


@pytest.mark.slow
def test_a_ta_accepts_a_flagged_submission_and_a_regrade_keeps_it(tmp_path, capsys):
    course = Course(tmp_path / "course")
    [flagged] = grade_cases(course, "ngram", ["hostile_builtins"], workers=1)
    assert flagged.status == Outcome.REVIEW and flagged.score == 0 and flagged.withheld > 0, flagged.reason
    root = str(course.root)

    assert main(["review", "ngram", "--course", root]) == 0
    assert "hostile_builtins: " in capsys.readouterr().out, "the list must show the flagged student"
    assert main(["review", "ngram", "--course", root, "--student", "hostile_builtins", "--accept"]) == 2, "a decision needs a reason"
    assert main(["review", "ngram", "--course", root, "--student", "hostile_builtins", "--accept",
                 "--why", "rebinding AssertionError changes nothing", "--by", "tara"]) == 0
    row = read_journal(root, "ngram", "hostile_builtins")[0]
    assert (row.status, row.score) == (Outcome.GRADED, flagged.withheld), row.reason
    assert "accepted after review by tara" in row.reason
    exported = {r["student_id"]: r for r in csv.DictReader((course.root / "grades-ngram.csv").open())}
    assert float(exported["hostile_builtins"]["score"]) == flagged.withheld

    regraded = grade_one(root, "ngram", "hostile_builtins", db_url=course.db_url)
    assert (regraded.status, regraded.score) == (Outcome.GRADED, flagged.withheld), "a re-grade must keep the decision"

    notebook = next(course.path("submitted", "hostile_builtins", "ngram").glob("*.ipynb"))
    notebook.write_text(notebook.read_text() + "\n")  # a new submission: nobody has reviewed it
    assert grade_one(root, "ngram", "hostile_builtins", db_url=course.db_url).status == Outcome.REVIEW
