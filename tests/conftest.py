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


# Modules whose tests of one unit share nothing with another unit's: each unit is a scheduling group.
SPLIT_BY_UNIT = {"test_pipeline.py", "test_hostile_corpus.py", "test_answer_key.py", "test_answer_key_torch.py",
                 "test_solution_notebooks.py"}


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """The schedule of the suite's workers (``make test`` runs two).

    A module's tests stay together on one worker, since they share its fixtures (xdist's
    ``loadfile``), except in the modules of ``SPLIT_BY_UNIT``, where each unit is a group of its own
    so that both workers share them."""
    from xdist.scheduler import LoadScopeScheduling

    class ByModuleOrUnit(LoadScopeScheduling):
        def _split_scope(self, nodeid):
            module, _, test = nodeid.partition("::")
            if Path(module).name in SPLIT_BY_UNIT and test.endswith("]"):
                return module + test[test.index("["):]
            return module

    return ByModuleOrUnit(config, log)


def pytest_collection_modifyitems(items):
    """Slow tests first, so that the quick ones fill in the end of the run instead of one slow
    group running alone."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
