"""The student edition (autograder/edition.py): built by one command, holding what students need and
no line of a solution or hidden test, and refusing to build when something would leak."""
import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from autograder import edition
from autograder.course import REPO, SOLUTIONS, assignments


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The edition's files, staged (the full build also checks them and makes the git repository)."""
    out = tmp_path_factory.mktemp("edition") / "student-edition"
    edition.stage(out)
    return out


def test_the_edition_holds_the_lectures_exercises_support_package_and_pins(built):
    for lecture in (REPO / "lectures").glob("*.ipynb"):
        assert (built / "lectures" / lecture.name).is_file(), f"lecture {lecture.name} is missing"
    for unit in assignments():
        assert (built / "exercises" / unit / f"{unit}.ipynb").is_file(), f"the {unit} exercise is missing"
    for name in ("lmcourse/__init__.py", "lmcourse/data.py", "requirements.txt", "constraints.txt", "environment.yml",
                 "postBuild", "install.sh", "disable_staff_tools.py", "pyproject.toml", "README.md"):
        assert (built / name).is_file(), f"{name} is missing"
    staff_pins = set((REPO / "requirements.txt").read_text().splitlines())
    pins = [line for line in (built / "requirements.txt").read_text().splitlines() if "==" in line]
    assert pins and set(pins) <= staff_pins, "the student pins must be the staff's pins of the same packages"
    assert not any(p.startswith(("jupyterhub", "dask", "psycopg2", "playwright")) for p in pins), "staff-only packages"


def test_the_edition_holds_nothing_of_the_staffs_tree(built):
    top = sorted(p.name for p in built.iterdir())
    for staff in ("solutions", "autograder", "tests", "benchmarks", "hub", "scripts", "Makefile"):
        assert staff not in top, f"the student edition holds {staff}"
    assert not list(built.rglob("*hidden*")) and not list(built.rglob("complete.py")), "example submissions leaked"


def test_the_edition_exercises_are_the_generated_release(built):
    for unit in assignments():
        ours = nbformat.read(REPO / "exercises" / unit / f"{unit}.ipynb", as_version=4)
        theirs = nbformat.read(built / "exercises" / unit / f"{unit}.ipynb", as_version=4)
        assert [c.source for c in ours.cells] == [c.source for c in theirs.cells], f"{unit}: not the committed exercise"


def test_the_edition_command_builds_a_git_repository_or_refuses_with_the_leaks(tmp_path):
    out = tmp_path / "student-edition"
    proc = subprocess.run([sys.executable, "-m", "autograder", "edition", str(out)], capture_output=True, text=True, cwd=REPO)
    if proc.returncode != 0:  # refused: nothing written, and every leak named
        assert not out.exists(), "a refused edition must not be written"
        assert "would show what students must not read" in proc.stderr, proc.stderr[-2000:]
        return
    log = subprocess.run(["git", "-C", str(out), "log", "--oneline"], capture_output=True, text=True, check=True).stdout
    status = subprocess.run(["git", "-C", str(out), "status", "--porcelain"], capture_output=True, text=True, check=True).stdout
    assert len(log.splitlines()) == 1 and not status, f"expected one commit and a clean tree, got {log!r} {status!r}"


@pytest.mark.xfail(strict=True, reason="issue 15: lmcourse.lm, lmcourse.ngram, lmcourse.segmentation and lectures 3, 4 and 6 "
                                       "still hold lines of solutions and hidden tests")
def test_the_edition_holds_no_solution_or_hidden_test_line(built):
    edition.check(built)


def test_the_check_has_secrets_to_look_for():
    assert edition.secret_lines(edition.HIDDEN_REGION) and edition.secret_lines(edition.SOLUTION_REGION)


@pytest.mark.parametrize("plant", ["hidden_line", "solution_line", "marker", "case_file", "test_file"])
def test_the_check_refuses_what_students_must_not_read(built, tmp_path, plant):
    import shutil

    copy = tmp_path / "edition"
    shutil.copytree(built, copy, ignore=shutil.ignore_patterns(".git", "lmcourse", "lectures"))  # what leaks today: see above
    shutil.copytree(built / "lectures", copy / "lectures", ignore=shutil.ignore_patterns("0[346]_*"))
    edition.check(copy, SOLUTIONS)  # the copy passes before anything is planted
    (copy / "lmcourse").mkdir()
    if plant == "hidden_line":
        (copy / "lmcourse" / "notes.py").write_text(sorted(edition.secret_lines(edition.HIDDEN_REGION))[0] + "\n")
    elif plant == "solution_line":
        nb = nbformat.read(copy / "lectures" / "01_ngram_language_models.ipynb", as_version=4)
        nb.cells.append(nbformat.v4.new_code_cell(sorted(edition.secret_lines(edition.SOLUTION_REGION))[0]))
        nbformat.write(nb, copy / "lectures" / "01_ngram_language_models.ipynb")
    elif plant == "marker":
        (copy / "README.md").write_text("### BEGIN HIDDEN TESTS\n")
    elif plant == "case_file":
        (copy / "autograder" / "cases").mkdir(parents=True)
        shutil.copy(REPO / "autograder" / "cases" / "ngram" / "complete.py", copy / "autograder" / "cases" / "complete.py")
    else:
        (copy / "tests").mkdir()
        shutil.copy(REPO / "tests" / "test_ngram_reference.py", copy / "tests")
    with pytest.raises(edition.EditionError):
        edition.check(copy, SOLUTIONS)


def test_the_staff_tools_named_exist_in_the_installed_nbgrader():
    from jupyter_core.paths import jupyter_path

    found = [Path(d) / "@jupyter" / "nbgrader" / "static" for d in jupyter_path("labextensions")]
    static = next(p for p in found if p.is_dir())
    code = "".join(p.read_text(errors="ignore") for p in static.glob("*.js"))
    for plugin in edition.STAFF_LAB_PLUGINS:
        assert plugin in code, f"nbgrader has no lab plugin {plugin}: switching it off would do nothing"
    for extension in edition.STAFF_SERVER_EXTENSIONS:
        importlib.import_module(extension)


def test_the_student_environment_switches_off_the_staff_tools(built, tmp_path):
    """The edition's disable_staff_tools.py on a copy of this environment's Jupyter configuration
    (as install.sh and postBuild run it on the student's): the staff tools are off, the rest on."""
    import shutil

    folder = tmp_path / "etc-jupyter"
    shutil.copytree(Path(sys.prefix) / "etc" / "jupyter", folder)
    subprocess.run([sys.executable, str(built / "disable_staff_tools.py"), str(folder)], check=True, capture_output=True)
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(folder), JUPYTER_PREFER_ENV_PATH="0")
    lab = subprocess.run([sys.executable, "-m", "jupyter", "labextension", "list"], env=env, capture_output=True, text=True)
    listing = lab.stdout + lab.stderr
    disabled = listing.split("Disabled extensions:")[-1] if "Disabled extensions:" in listing else ""
    for plugin in edition.STAFF_LAB_PLUGINS:
        assert plugin in disabled, f"{plugin} is still on in the student's JupyterLab:\n{listing[-1500:]}"
    assert "@jupyter/nbgrader:assignment-list" not in disabled, "students need the Assignments tab"
    from jupyter_server.extension.config import ExtensionConfigManager

    seen = ExtensionConfigManager(read_config_path=[str(folder)]).get_jpserver_extensions()
    for extension in edition.STAFF_SERVER_EXTENSIONS:
        assert seen.get(extension) is False, f"the server still loads {extension}: {seen}"
    assert seen.get("nbgrader.server_extensions.assignment_list") is True, "students need the Assignments tab's server side"
