"""Shared fixtures for the grading tests: course folders holding example ngram submissions."""
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def ngram_submissions(tmp_path_factory):
    """{case name: {notebook file name: NotebookNode}} for the ngram cases, from a release generated
    once per session; each case is built when first asked for."""
    from autograder import cases as cases_mod
    from autograder.course import SOLUTIONS, Course

    release = Course(tmp_path_factory.mktemp("ngram-release"), isolation="none").generate("ngram")

    class Submissions(dict):
        def __missing__(self, name):
            [case] = cases_mod.load_cases("ngram", [name])
            self[name] = cases_mod.build_submission(case, SOLUTIONS / "ngram", release)
            return self[name]

    return Submissions()


@pytest.fixture
def make_ngram_course(ngram_submissions):
    """make(root, {student: case name}, db_url=None, generate=True) -> Course with those submissions
    under submitted/ (and, unless generate=False, the release generated into its gradebook)."""
    from autograder.course import Course

    def make(root, students, db_url=None, generate=True):
        course = Course(Path(root), db_url=db_url)
        if generate:
            course.generate("ngram")
        for student, case in students.items():
            course.submit(student, "ngram", ngram_submissions[case])
        return course

    return make
