"""The course's collect (autograder/exchange.py): only a student's own folders, nothing followed, a
submission time no student can set back."""
import getpass
import os
import threading
import time
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

from autograder.deadlines import received_at
from autograder.exchange import OwnedCollect, _trusted_time, copy_plain


def keep_all(folder, names):
    return []


def submission_with_traps(tmp_path):
    """A submission folder holding a notebook, a data folder, and links and a pipe that lead out of it."""
    secret = tmp_path / "instructor" / "source.ipynb"
    secret.parent.mkdir()
    secret.write_text("hidden tests")
    src = tmp_path / "inbound" / "alice+ngram+2026-10-05 10:00:00.000000 UTC+x"
    (src / "data").mkdir(parents=True)
    (src / "ngram.ipynb").write_text("{}")
    (src / "data" / "counts.txt").write_text("3 4 5")
    os.symlink(secret, src / "notes.txt")
    os.symlink(secret.parent, src / "data" / "more")
    os.mkfifo(src / "pipe")
    return src


def test_folders_and_regular_files_are_copied_and_nothing_is_followed(tmp_path):
    src = submission_with_traps(tmp_path)
    dest = tmp_path / "submitted" / "alice" / "ngram"
    dest.parent.mkdir(parents=True)
    copier = threading.Thread(target=copy_plain, args=(src, dest, keep_all, 10**6), daemon=True)
    copier.start()
    copier.join(20)
    assert not copier.is_alive(), "the copy blocked (on the named pipe?)"
    copied = sorted(str(p.relative_to(dest)) for p in dest.rglob("*"))
    assert copied == ["data", "data/counts.txt", "ngram.ipynb"], copied
    assert (dest / "data" / "counts.txt").read_text() == "3 4 5"


def test_the_size_limit_and_ignore_patterns_hold(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "big.bin").write_bytes(b"x" * 2000)
    (src / "small.txt").write_text("ok")
    (src / "skip.me").write_text("ignored")
    dest = tmp_path / "dest"
    copy_plain(src, dest, lambda folder, names: [n for n in names if n.endswith(".me")], 1000)
    assert sorted(p.name for p in dest.iterdir()) == ["small.txt"]


def test_a_submission_folder_that_is_a_link_is_not_collected(tmp_path):
    me = getpass.getuser()
    inbound = tmp_path / "inbound"
    (inbound / "real").mkdir(parents=True)
    os.symlink(inbound / "real", inbound / "link")
    collect = SimpleNamespace(inbound_path=str(inbound))
    assert OwnedCollect._owned(collect, {"filename": "real", "username": me})
    assert not OwnedCollect._owned(collect, {"filename": "link", "username": me}), "a link to a folder was trusted"
    assert not OwnedCollect._owned(collect, {"filename": "real", "username": me + "-other"}), "another student's name was trusted"


def test_the_submission_time_is_never_earlier_than_the_folder_changed(tmp_path):
    before = datetime.now(timezone.utc).replace(tzinfo=None) - timedelta(seconds=2)
    src = tmp_path / "sub"
    src.mkdir()
    (src / "ngram.ipynb").write_text("{}")
    old = time.mktime((2000, 1, 1, 0, 0, 0, 0, 0, -1))
    os.utime(src / "ngram.ipynb", (old, old))  # a student can set the modification time back, not the change time
    os.utime(src, (old, old))
    assert received_at(src) >= before

    claimed = tmp_path / "timestamp.txt"
    claimed.write_text("2000-01-01 00:00:00.000000 UTC")
    assert _trusted_time(src, claimed) >= before, "an earlier claimed time was believed"
    claimed.write_text("2999-01-01 00:00:00.000000 UTC")
    assert _trusted_time(src, claimed) == datetime(2999, 1, 1), "a later claim (a slow copy) counts"
    claimed.write_text("not a time")
    assert _trusted_time(src, claimed) >= before
    assert _trusted_time(src, tmp_path / "absent.txt") >= before


def test_collect_leaves_links_behind_and_stamps_the_time_it_can_trust(tmp_path):
    from nbgrader.auth import Authenticator
    from nbgrader.coursedir import CourseDirectory

    before = datetime.now(timezone.utc).replace(tzinfo=None) - timedelta(seconds=2)
    src = submission_with_traps(tmp_path)
    (src / "timestamp.txt").write_text("2000-01-01 00:00:00.000000 UTC")  # claimed by the student's server
    collect = OwnedCollect(coursedir=CourseDirectory(root=str(tmp_path / "course")), authenticator=Authenticator())
    dest = tmp_path / "submitted"
    collect.do_copy(str(src), str(dest))
    assert sorted(str(p.relative_to(dest)) for p in dest.rglob("*")) == ["data", "data/counts.txt", "ngram.ipynb", "timestamp.txt"]
    stamped = datetime.strptime((dest / "timestamp.txt").read_text(), "%Y-%m-%d %H:%M:%S.%f UTC")
    assert stamped >= before, f"the claimed time was kept: {stamped}"


def test_a_submission_over_the_size_limit_gives_way_to_the_students_newest_within_it(tmp_path):
    from nbgrader.auth import Authenticator
    from nbgrader.coursedir import CourseDirectory

    inbound = tmp_path / "inbound"
    for name, size in (("old", 100), ("new", 5000)):
        (inbound / name).mkdir(parents=True)
        (inbound / name / "ngram.ipynb").write_bytes(b"x" * size)
    collect = OwnedCollect(coursedir=CourseDirectory(root=str(tmp_path / "course"), max_dir_size=2), authenticator=Authenticator())
    collect.inbound_path = str(inbound)
    me = getpass.getuser()
    records = [{"filename": "new", "username": me, "timestamp": "2"}, {"filename": "old", "username": me, "timestamp": "1"}]
    assert [r["filename"] for r in collect._sort_by_timestamp(records)] == ["old", "new"], \
        "the newest submission within the size limit comes first (nbgrader's copy would stop the whole collect)"
    assert not collect._usable(records[0]) and collect._usable(records[1])
