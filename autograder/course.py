"""A course directory driven through nbgrader's Python API.

A course directory (one per class, or a throw-away one for the demo and the tests) looks like::

    <root>/
        source -> <repo>/solutions      (a link: the single source stays in the repository)
        release/<assignment>/           generated student version
        submitted/<student>/<assignment>/<notebook>.ipynb   as handed in (never modified)
        canonical/<student>/<assignment>/  the copy that is graded (see autograder.hardened)
        autograded/...  feedback/...    written by nbgrader
        results/<assignment>/<student>.json   the grading journal, one outcome per student
        gradebook.db                    nbgrader's gradebook (SQLite unless --db-url says otherwise)
        grades.csv                      one row per student and assignment (see autograder.report)
"""
import functools
import os
import warnings
import shutil
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

import nbformat
from traitlets.config.loader import PyFileConfigLoader

from autograder import deadlines
from autograder.nbclean import clean

REPO = Path(__file__).resolve().parent.parent
SOLUTIONS = REPO / "solutions"
EXERCISES = REPO / "exercises"
CONFIG_FILE = Path(__file__).with_name("nbgrader_config.py")

# nbgrader runs the `alembic` script of its own environment each time it opens a gradebook: make
# it findable when the interpreter is called by path (.venv/bin/python) without activating the
# venv, and ask it once per process instead of once per gradebook (it reads a constant).
_BIN = str(Path(sys.executable).parent)
if _BIN not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = _BIN + os.pathsep + os.environ.get("PATH", "")
import nbgrader.api  # noqa: E402

nbgrader.api.get_alembic_version = functools.lru_cache(maxsize=None)(nbgrader.api.get_alembic_version)
# nbgrader's own SQLAlchemy session handling warns on every autograde; it says nothing about the student
warnings.filterwarnings("ignore", message=".*not in session.*")


def assignments():
    """Assignment ids: the folders of ``solutions/`` that hold a notebook."""
    return sorted(p.name for p in SOLUTIONS.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))


def sqlalchemy_url(db_url):
    """SQLAlchemy 2.1 reads postgresql:// as psycopg 3; the course installs psycopg2."""
    if db_url and db_url.split("://", 1)[0] in ("postgresql", "postgres"):
        try:
            import psycopg  # noqa: F401
        except ImportError:
            return "postgresql+psycopg2://" + db_url.split("://", 1)[1]
    return db_url


def load_config(root, db_url=None, isolation="sandbox", tests_in_kernel=False):
    """The course's nbgrader config with the course directory set to ``root``.

    ``isolation`` is "sandbox" (each kernel in bubblewrap, forked from a fork server: see
    autograder.sandbox and autograder.forkserver), "sandbox-exec" (each a new process in bubblewrap)
    or "none".
    ``tests_in_kernel`` runs the test cells in the student's kernel as plain nbgrader does (only
    to compare with the default, see autograder.execute). Autograding reads the canonical copies
    of submissions written by autograder.hardened.
    """
    cfg = PyFileConfigLoader(CONFIG_FILE.name, path=str(CONFIG_FILE.parent)).load_config()
    cfg.CourseDirectory.root = str(root)
    cfg.CourseDirectory.source_directory = "source"
    cfg.CourseDirectory.release_directory = "release"
    cfg.CourseDirectory.submitted_directory = "canonical"
    # several workers write to one SQLite gradebook: wait for the lock instead of failing
    cfg.CourseDirectory.db_url = sqlalchemy_url(db_url) or f"sqlite:///{Path(root) / 'gradebook.db'}?timeout=120"
    if isolation == "none":
        from autograder.kernels import GradingKernelManager

        cfg.Execute.kernel_manager_class = GradingKernelManager
        cfg.Execute.shutdown_kernel = "graceful"
    elif isolation == "sandbox-exec":
        cfg.SandboxKernelManager.kernel_start = "exec"
    elif isolation != "sandbox":
        raise ValueError(f"isolation must be 'sandbox', 'sandbox-exec' or 'none', not {isolation!r}")
    cfg.BoundaryExecute.tests_in_kernel = bool(tests_in_kernel)
    return cfg


@contextmanager
def grading_environment():
    """Environment the kernels inherit while grading: notebooks cut long runs down, no display."""
    saved = {k: os.environ.get(k) for k in ("LMCOURSE_AUTOGRADING", "MPLBACKEND")}
    os.environ["LMCOURSE_AUTOGRADING"] = "1"
    os.environ["MPLBACKEND"] = "Agg"
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


class Course:
    """One course directory and the nbgrader API over it."""

    def __init__(self, root, db_url=None, isolation="sandbox", tests_in_kernel=False):
        from nbgrader.apps import NbGraderAPI

        self.root = Path(root).resolve()
        self.root.mkdir(parents=True, exist_ok=True)
        link = self.root / "source"
        if link.is_symlink() and link.resolve() != SOLUTIONS:
            link.unlink()
        if not link.exists():
            link.symlink_to(SOLUTIONS, target_is_directory=True)
        elif not link.is_symlink():
            raise RuntimeError(f"{link} exists and is not a link to {SOLUTIONS}")
        self.isolation = isolation
        self.deadlines = deadlines.load(self.root)
        self.config = load_config(self.root, db_url, isolation, tests_in_kernel)
        self.deadlines.configure(self.config)
        self.db_url = self.config.CourseDirectory.db_url
        self.api = NbGraderAPI(config=self.config)
        self.api.log.setLevel("ERROR")

    def path(self, step, student="", assignment=""):
        return self.root / step / student / assignment

    def generate(self, assignment):
        """Generate the student version of ``assignment`` into ``release/`` and record its
        grade cells in the gradebook (autograde restores test cells from there)."""
        result = self.api.generate_assignment(assignment, force=True, create=True)
        if not result["success"]:
            raise RuntimeError(f"nbgrader generate_assignment {assignment} failed:\n{result.get('error') or result.get('log')}")
        for nb_path in self.path("release", assignment=assignment).glob("*.ipynb"):
            nb = nbformat.read(nb_path, as_version=4)
            nbformat.write(clean(nb), nb_path)
        return self.path("release", assignment=assignment)

    def submit(self, student, assignment, notebooks):
        """Place a submission: ``notebooks`` maps file name to NotebookNode (or to a path to copy,
        or to the bytes of a file)."""
        folder = self.path("submitted", student, assignment)
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        for name, nb in notebooks.items():
            if isinstance(nb, bytes):
                (folder / name).write_bytes(nb)
            elif isinstance(nb, (str, Path)):
                shutil.copyfile(nb, folder / name)
            else:
                nbformat.write(nb, folder / name)
        return folder

    def submitted_students(self, assignment):
        base = self.root / "submitted"
        if not base.is_dir():
            return []
        return sorted(p.name for p in base.iterdir() if (p / assignment).is_dir())

    def autograde(self, assignment, student):
        """Autograde one submission; returns nbgrader's result dict (success, error, log)."""
        self.record_deadline(assignment, student)
        with grading_environment():
            return self.api.autograde(assignment, student, force=True, create=True)

    def record_deadline(self, assignment, student):
        """Put the assignment's due date and the student's extension (deadlines.toml) in the gradebook,
        where nbgrader's AssignLatePenalties reads them."""
        if self.deadlines:
            from nbgrader.api import Gradebook

            with Gradebook(self.db_url) as gb:
                self.deadlines.record(gb, assignment, student)

    def lateness(self, assignment, student):
        """(seconds late after any extension, points the late penalty took) from the gradebook."""
        from nbgrader.api import Gradebook

        with Gradebook(self.db_url) as gb:
            sub = gb.find_submission(assignment, student)
            return sub.total_seconds_late, float(sub.late_submission_penalty or 0.0)

    def feedback(self, assignment, student):
        """Write ``feedback/<student>/<assignment>/*.html``; returns the list of files."""
        result = self.api.generate_feedback(assignment, student, force=True)
        if not result["success"]:
            raise RuntimeError(result.get("error") or result.get("log"))
        return sorted(self.path("feedback", student, assignment).glob("*.html"))

    def scores(self, assignment, student):
        """(score, max_score, {grade_id: (score, max_score, pending)}) from the gradebook, or None.

        ``pending`` is true for a manually graded cell the student answered and no TA has graded
        yet (nbgrader gives an unchanged answer 0 by itself); a manual grade, once entered in the
        formgrader, counts and stays through a re-grade."""
        from nbgrader.api import Gradebook, MissingEntry

        with Gradebook(self.db_url) as gb:
            try:
                sub = gb.find_submission(assignment, student)
            except MissingEntry:
                return None
            per_test = {}
            for nb in sub.notebooks:
                for grade in nb.grades:
                    pending = grade.auto_score is None and grade.manual_score is None
                    per_test[grade.name] = (grade.score, grade.max_score, pending)
            return sub.score, sub.max_score, per_test


def generate_release(into=None):
    """Generate the student version of every assignment; returns the folder holding them.

    Uses a throw-away course directory and gradebook, so the repository is only read.
    """
    root = Path(into or tempfile.mkdtemp(prefix="lmcourse-release-"))
    course = Course(root)
    for assignment in assignments():
        course.generate(assignment)
    return root / "release"
