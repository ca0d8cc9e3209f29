"""Mistake diagnosis (autograder/diagnosis.py): the match of a submission to catalogued mistakes.
The catalogue itself is made and checked through the pipeline in tests/test_analytics.py."""
from autograder import diagnosis

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
