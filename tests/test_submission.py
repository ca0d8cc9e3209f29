"""Reading a submission without trusting it (autograder.submission)."""
import os

import nbformat
import pytest

from autograder.submission import (MAX_EXTRA_FILE_BYTES, SubmissionError, read_submission, submission_hash,
                                   valid_student_id)


@pytest.fixture
def folder(tmp_path):
    sub = tmp_path / "submitted" / "ann" / "hw"
    sub.mkdir(parents=True)
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")]), sub / "hw.ipynb")
    return sub


def test_notebooks_and_regular_files_are_read(folder):
    (folder / "data.txt").write_text("12")
    sub = read_submission(folder)
    assert list(sub.notebooks) == ["hw.ipynb"] and sub.notebooks["hw.ipynb"].cells[0].source == "x = 1"
    assert sub.files == [("data.txt", b"12")] and sub.refused == []


def test_links_special_files_and_folders_are_refused_with_a_reason(folder, tmp_path):
    secret = tmp_path / "instructor.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("ANSWER = 42")]), secret)
    (folder / "other.ipynb").symlink_to(secret)
    (folder / "zeros").symlink_to("/dev/zero")
    os.mkfifo(folder / "pipe")
    (folder / "sub").mkdir()
    sub = read_submission(folder)
    assert list(sub.notebooks) == ["hw.ipynb"], "a linked notebook must not be read"
    assert sub.files == []
    reasons = " ".join(sub.refused)
    for name, kind in (("other.ipynb", "a link"), ("zeros", "a link"), ("pipe", "a special file"), ("sub", "a folder")):
        assert f"{name} is {kind}" in reasons


def test_too_much_besides_the_notebook_is_refused(folder):
    (folder / "a.bin").write_bytes(b"\0" * (MAX_EXTRA_FILE_BYTES - 10))
    (folder / "b.bin").write_bytes(b"\0" * 100)
    sub = read_submission(folder)
    assert [n for n, _ in sub.files] == ["a.bin"] and any("b.bin is over" in r for r in sub.refused)


def test_an_unreadable_notebook_is_the_students_failure(folder):
    (folder / "hw.ipynb").write_text('{"cells": [ nope')
    with pytest.raises(SubmissionError, match="invalid notebook hw.ipynb"):
        read_submission(folder)


def test_the_hash_never_opens_special_files_and_sees_every_change(folder):
    os.mkfifo(folder / "pipe")  # opening it would block forever
    (folder / "zeros").symlink_to("/dev/zero")  # reading it would never end
    first = submission_hash(folder)
    assert first == submission_hash(folder)
    (folder / "zeros").unlink()
    (folder / "zeros").symlink_to("/dev/null")
    assert submission_hash(folder) != first, "a changed link target is a changed submission"
    second = submission_hash(folder)
    (folder / "hw.ipynb").write_text((folder / "hw.ipynb").read_text().replace("x = 1", "x = 2"))
    assert submission_hash(folder) != second


@pytest.mark.parametrize("student,ok", [("alice", True), ("a.b-c_d@uni.edu", True), ("s+1", True),
                                        ("../x", False), ("..", False), (".hidden", False), ("a/b", False),
                                        ("=cmd", False), ("", False), ("x" * 200, False), ("tab\tid", False)])
def test_student_ids(student, ok):
    assert valid_student_id(student) is ok
