"""A TA's term in miniature, through the commands a TA types: two assignments (ngram, and lstm_gru
with its manually graded answer), a roster of 30 generated students, deadlines with an extension,
the sandboxed grading, a review decided, a manual grade entered, the class report, the similarity
report and the LMS exports, every number checked against the class as it was built.

Who is who (ngram; a few of them also hand in lstm_gru):

- s01-s10 the reference answers; s11 another correct implementation (loops), s12 a copy of s11
  with its variables renamed and comments added;
- s13-s19 one catalogued mistake each (MISTAKES), s20 the untouched stubs;
- s21 late by 27 hours (two started days: 20%), s22 late by 2 days with a 3-day extension;
- s23 flagged for review (rebinds a builtin; its stupid_backoff returns 0), then given an
  overridden score by a TA;
- s24 a notebook that kills its kernel (graded as failed), s25-s30 hand in nothing.
"""
import csv
import html
import json
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest
from nbgrader.api import Gradebook

from autograder import cases as cases_mod
from autograder import deadlines, diagnosis
from autograder.cli import main
from autograder.course import SOLUTIONS, Course
from autograder.hardened import read_journal

pytestmark = pytest.mark.slow

STUDENTS = [f"s{i:02d}" for i in range(1, 31)]
MISTAKES = {"s13": "no_eos", "s14": "n_bos", "s15": "replace_oov_shares_lists", "s16": "addk_no_kv", "s17": "ppl_per_sentence",
            "s18": "backoff_no_alpha", "s19": "ctx_from_unigrams"}
NGRAM = {**{s: "complete" for s in STUDENTS[:10]}, "s11": "alt_loops", **MISTAKES, "s20": "untouched",
         "s21": "complete", "s22": "complete", "s23": "hostile_builtins", "s24": "broken_os_exit"}
LSTM = {"s01": "complete", "s02": "complete", "s03": "complete", "s04": "complete", "s13": "dc_no_forget",
        "s20": "untouched", "s21": "complete"}
DUE = {"ngram": datetime(2026, 10, 5, 23, 59, tzinfo=timezone.utc), "lstm_gru": datetime(2026, 10, 19, 23, 59, tzinfo=timezone.utc)}
LATE = {"s21": timedelta(hours=27), "s22": timedelta(days=2)}
OVERRIDE = 20.0


def write_course(root):
    root.mkdir(parents=True)
    (root / deadlines.FILE).write_text(
        "[late]\ngrace_minutes = 15\npercent_per_day = 10\nmax_percent = 50\n\n[due]\n"
        + "".join(f"{a} = {d.isoformat()}\n" for a, d in DUE.items()) + "\n[extensions.ngram]\ns22 = 3\n")
    (root / "roster.txt").write_text("\n".join(STUDENTS) + "\n")
    with open(root / "roster.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["student_id", "name", "canvas_id", "sis_user_id", "sis_login_id", "section", "email"])
        for i, s in enumerate(STUDENTS, start=1):
            w.writerow([s, f"Student {i}", 1000 + i, f"SIS{i}", s, "A" if i % 2 else "B", f"{s}@uni.edu"])
    return Course(root)


def hand_in(course, assignment, who):
    release = course.generate(assignment)
    for student, case in who.items():
        [case] = cases_mod.load_cases(assignment, [case])
        folder = course.submit(student, assignment, cases_mod.build_submission(case, SOLUTIONS / assignment, release))
        when = DUE[assignment] + LATE.get(student, -timedelta(hours=2))
        (folder / deadlines.TIMESTAMP).write_text(when.strftime(deadlines.TIMESTAMP_FORMAT))


def grades(course, assignment):
    return {r["student_id"]: r for r in csv.DictReader((course.root / f"grades-{assignment}.csv").open())}


def lms(path, key):
    with open(path, newline="") as f:
        return {r[key]: r for r in csv.DictReader(f)}


def feedback_page(course, student, assignment="ngram"):
    return next(course.path("feedback", student, assignment).glob("*.html")).read_text()


def test_a_term_in_miniature(tmp_path):
    course = write_course(tmp_path / "course")
    root = str(course.root)
    roster = ["--roster", str(course.root / "roster.txt")]
    hand_in(course, "ngram", NGRAM)
    [alt] = cases_mod.load_cases("ngram", ["alt_loops"])
    course.submit("s12", "ngram", cases_mod.disguise(cases_mod.build_submission(alt, SOLUTIONS / "ngram", course.path("release", assignment="ngram"))))
    hand_in(course, "lstm_gru", LSTM)

    # collect and grade
    assert main(["grade", "ngram", "--course", root, "--workers", "2", *roster]) == 0
    assert main(["grade", "lstm_gru", "--course", root, "--workers", "2", *roster]) == 0
    ngram = grades(course, "ngram")
    assert len(ngram) == 30, f"one row per student of the roster: {len(ngram)}"
    full = float(ngram["s01"]["max_score"])
    correct = [s for s, case in NGRAM.items() if case == "complete" and s not in LATE] + ["s11", "s12"]
    for s in correct:
        assert (ngram[s]["status"], float(ngram[s]["score"])) == ("graded", full), f"{s}: {ngram[s]}"
    for s in MISTAKES:
        assert ngram[s]["status"] == "graded" and 0 < float(ngram[s]["score"]) < full, f"{s}: {ngram[s]}"
    assert float(ngram["s20"]["score"]) == 0
    assert (float(ngram["s21"]["score"]), ngram["s21"]["late_hours"]) == (pytest.approx(0.8 * full), "27.00"), ngram["s21"]
    assert (float(ngram["s22"]["score"]), float(ngram["s22"]["late_penalty"])) == (full, 0.0), "the extension covers s22"
    assert ngram["s23"]["status"] == "review" and float(ngram["s23"]["score"]) == 0, ngram["s23"]
    assert ngram["s24"]["status"] == "failed" and ngram["s24"]["reason"], ngram["s24"]
    assert all(ngram[s]["status"] == "missing" for s in STUDENTS[24:])

    # review: the TA overrides the withheld score, and a re-grade keeps it
    assert main(["review", "ngram", "--course", root, "--student", "s23", "--score", str(OVERRIDE),
                 "--why", "the builtin it rebinds changes no test; 4 points off for the trick", "--by", "tara"]) == 0
    assert main(["grade", "ngram", "--course", root, "--student", "s23", *roster]) == 0
    s23 = read_journal(root, "ngram", "s23")[0]
    assert (s23.status, s23.score) == ("graded", OVERRIDE) and "tara" in s23.reason, s23.reason

    # manual grade: s01's written answer gets 2 of its 3 points in the formgrader, then a re-grade counts it
    lstm = grades(course, "lstm_gru")
    lstm_full = float(lstm["s02"]["max_score"])
    assert all(lstm[s]["needs_manual_grade"] for s, case in LSTM.items() if case == "complete"), "the written answer waits for a TA"
    with Gradebook(course.db_url) as gb:
        gb.find_grade("explain_distance_figure", "lstm_gru", "lstm_gru", "s01").manual_score = 2
        gb.db.commit()
    assert main(["grade", "lstm_gru", "--course", root, "--student", "s01", *roster]) == 0
    lstm = grades(course, "lstm_gru")
    assert (lstm["s01"]["needs_manual_grade"], float(lstm["s01"]["score"])) == ("", lstm_full - 1), lstm["s01"]
    assert lstm["s02"]["needs_manual_grade"] == "explain_distance_figure (3 points)"
    assert float(lstm["s21"]["late_penalty"]) > 0, "s21 is late for lstm_gru too"

    # report: the catalogue is made, every mistake diagnosed as itself, the feedback gets its hint
    assert main(["report", "ngram", "--course", root, *roster]) == 0
    data = json.loads((course.root / "report-ngram.json").read_text())
    assert data["outcomes"] == {"graded": 23, "review": 0, "failed": 1, "missing": 6}, data["outcomes"]
    assert (data["late"], data["late_penalised"]) == (1, 1), "s21 only: s22's extension covers it"
    # s23's stupid_backoff returns 0.0 (its trick is elsewhere): it fails what backoff_no_alpha fails
    assert data["mistakes"] == dict(Counter(MISTAKES.values()) + Counter(["backoff_no_alpha"])), data["mistakes"]
    assert data["per_student"]["s23"]["diagnosis"] == ["backoff_no_alpha"]
    for s, case in MISTAKES.items():
        assert data["per_student"][s]["diagnosis"] == [case], f"{s} made {case}: {data['per_student'][s]}"
    for s in correct + ["s21", "s22"]:
        assert data["per_student"][s]["diagnosis"] == [], f"{s} is correct: {data['per_student'][s]}"
    hints = {c.name: c.hint for c in cases_mod.load_cases("ngram", list(MISTAKES.values()))}
    for s, case in MISTAKES.items():
        assert hints[case] in html.unescape(feedback_page(course, s)), f"{s}'s feedback lacks the hint for {case}"
    assert "lmcourse-diagnosis" not in feedback_page(course, "s01"), "a correct submission gets no hint"
    catalogued = json.loads((course.root / "catalogue" / "ngram.json").read_text())["cases"]
    assert set(catalogued) == {c.name for c in diagnosis.mistake_cases("ngram")}, "every mistake case is catalogued"
    made = (course.root / "catalogue" / "ngram.json").stat().st_mtime_ns
    assert main(["grade", "ngram", "--course", root, "--student", "s14", *roster]) == 0
    assert "lmcourse-diagnosis" in feedback_page(course, "s14"), "once the catalogue is made, grading writes the hint itself"
    assert (course.root / "catalogue" / "ngram.json").stat().st_mtime_ns == made, "the catalogue is made once"

    # similarity: the renamed copy is the top pair
    assert main(["similarity", "ngram", "--course", root]) == 0
    with open(course.root / "similarity-ngram.csv", newline="") as f:
        pairs = list(csv.DictReader(f))
    assert pairs, "the copy must be flagged"
    top = max(pairs, key=lambda p: float(p["similarity"]))
    assert {top["student_a"], top["student_b"]} == {"s11", "s12"}, pairs
    assert all({p["student_a"], p["student_b"]} == {"s11", "s12"} for p in pairs), f"only the copy is flagged: {pairs}"

    # the LMS: every student, every number
    assert main(["export", "ngram", "lstm_gru", "--course", root, "--to", "canvas", "--roster", str(course.root / "roster.csv")]) == 0
    assert main(["export", "ngram", "lstm_gru", "--course", root, "--to", "moodle", "--roster", str(course.root / "roster.csv")]) == 0
    ngram, lstm = grades(course, "ngram"), grades(course, "lstm_gru")
    expected = {}
    for s in STUDENTS:
        expected[s] = (f"{float(ngram[s]['score']):g}", "" if lstm.get(s, {}).get("needs_manual_grade") else
                       f"{float(lstm[s]['score']):g}" if s in lstm and lstm[s]["status"] == "graded" else "0")
    assert expected["s01"] == (f"{full:g}", f"{lstm_full - 1:g}") and expected["s21"][0] == f"{0.8 * full:g}"
    assert expected["s23"][0] == f"{OVERRIDE:g}" and expected["s24"] == ("0", "0") and expected["s30"] == ("0", "0")
    assert expected["s02"][1] == expected["s13"][1] == "", "a written answer still waiting: blank"
    assert expected["s20"][1] == "0"
    canvas = lms(course.root / "canvas-grades.csv", "Student")
    assert (canvas["Points Possible"]["ngram"], canvas["Points Possible"]["lstm_gru"]) == (f"{full:g}", f"{lstm_full:g}")
    moodle = lms(course.root / "moodle-grades.csv", "Email address")
    assert len(canvas) == 31 and len(moodle) == 30
    for i, s in enumerate(STUDENTS, start=1):
        row = canvas[f"Student {i}"]
        assert (row["ID"], row["SIS User ID"], row["SIS Login ID"]) == (str(1000 + i), f"SIS{i}", s)
        assert (row["ngram"], row["lstm_gru"]) == expected[s], f"Canvas, {s}: {row}"
        assert (moodle[f"{s}@uni.edu"]["ngram"], moodle[f"{s}@uni.edu"]["lstm_gru"]) == expected[s], f"Moodle, {s}"
