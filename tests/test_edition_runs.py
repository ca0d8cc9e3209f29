"""The student edition runs on its own: a new venv with the edition's support package, the released
solution notebooks and every lecture executed there, and the kernels they start are that venv's."""
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

from autograder import edition
from autograder.course import REPO, assignments
from student_venv import install_student_venv


@pytest.fixture(scope="module")
def built_all(tmp_path_factory):
    """The edition once every unit's solutions are released (every lecture and exercise in it)."""
    out = tmp_path_factory.mktemp("edition-all") / "student-edition"
    edition.stage(out, released=assignments())
    return out


@pytest.fixture(scope="module")
def student_python(built_all, tmp_path_factory):
    """A new venv with the edition's own support package (see :func:`install_student_venv`)."""
    venv = tmp_path_factory.mktemp("student-venv") / "venv"
    return install_student_venv(Path(sys.base_prefix) / "bin" / "python3", built_all, venv)


def _student_env():
    """This environment without the staff venv: not on PATH (``jupyter <command>`` runs what PATH finds)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "LMCOURSE_", "JUPYTER", "VIRTUAL_ENV"))}
    staff_bin = str(Path(sys.executable).parent)
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p != staff_bin)
    return env


def test_the_student_venv_sees_the_editions_package_and_not_the_staffs(student_python, built_all):
    probe = ("import importlib.util, lmcourse, lmcourse.reference as r; print(lmcourse.__file__); "
             "print(importlib.util.find_spec('autograder'))")
    out = subprocess.run([str(student_python), "-c", probe], capture_output=True, text=True, cwd="/", env=_student_env())
    where, grader = out.stdout.split()[:2]
    assert Path(where).resolve().is_relative_to(built_all.resolve()), f"lmcourse comes from {where}, not the edition"
    assert grader == "None", "the grader is importable in the student environment"


def test_notebooks_in_the_student_venv_run_on_its_python(student_python, tmp_path):
    """The kernel nbconvert and nbval start is the venv's own Python, so the notebooks below really
    import the edition's package, not the staff's."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import sys, lmcourse\nprint(sys.prefix)\nprint(lmcourse.__file__)")])
    nbformat.write(nb, tmp_path / "probe.ipynb")
    subprocess.run([str(student_python), "-m", "nbconvert", "--to", "notebook", "--execute", "--inplace",
                    "probe.ipynb"], cwd=tmp_path, env=_student_env(), check=True, capture_output=True)
    prefix, package = nbformat.read(tmp_path / "probe.ipynb", as_version=4).cells[0].outputs[0].text.split()
    assert Path(prefix) == student_python.parent.parent, f"the kernel ran in {prefix}, not the student venv"
    assert "student-edition" in package, f"the kernel imported lmcourse from {package}"


@pytest.mark.slow
def test_the_released_solutions_and_lectures_run_from_the_edition_alone(student_python, built_all, tmp_path):
    """With every unit released: each released solution notebook (the answers filled in, as a student
    who solved it has it) runs top to bottom with its visible tests, cut down as the autograder
    does, and every lecture passes nbval (its long training cut down the same way), all in the student
    venv, from a copy of the edition."""
    import shutil

    edition_copy = tmp_path / "edition"
    shutil.copytree(built_all, edition_copy, ignore=shutil.ignore_patterns(".git"))
    for lecture in (REPO / "lectures").glob("*.ipynb"):  # so this nbval run is the lectures' (make test has no other)
        assert (edition_copy / "lectures" / lecture.name).read_bytes() == lecture.read_bytes(), f"{lecture.name} differs"
    env = dict(_student_env(), LMCOURSE_AUTOGRADING="1", MPLBACKEND="Agg")

    def run(unit):
        folder = edition_copy / edition.RELEASED_FOLDER / unit
        done = subprocess.run([str(student_python), "-m", "nbconvert", "--to", "notebook", "--execute",
                               "--output", f"{unit}-run.ipynb", f"{unit}.ipynb"], cwd=folder, env=env,
                              capture_output=True, text=True, timeout=600)
        return f"{unit}: {done.stderr[-1500:]}" if done.returncode else None

    with ThreadPoolExecutor(2) as pool:  # two at a time: the notebooks mostly wait on their kernels
        failures = [f for f in pool.map(run, assignments()) if f]
    lectures = subprocess.run([str(student_python), "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "2",
                               "--dist", "loadfile", "--nbval-lax", "lectures"], cwd=edition_copy,
                              env=env, capture_output=True, text=True, timeout=1800)  # cut down: the full runs are
    # benchmarks/bench_notebooks.py's
    if lectures.returncode != 0:
        failures.append(f"lectures: {lectures.stdout[-3000:]}")
    assert not failures, "\n\n".join(failures)
