"""The student edition (autograder/edition.py): built by one command, holding what students need and
no line of a solution or hidden test, and refusing to build when something would leak."""
import html
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
from autograder.reference import reference_units


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The edition at the start of term (no solutions released), staged: the full build also checks
    the files and makes the git repository."""
    out = tmp_path_factory.mktemp("edition") / "student-edition"
    edition.stage(out, released=[])
    return out


@pytest.fixture(scope="module")
def built_all(tmp_path_factory):
    """The edition once every unit's solutions are released (the end of term)."""
    out = tmp_path_factory.mktemp("edition-all") / "student-edition"
    edition.stage(out, released=assignments())
    return out


def _needs(path):
    return reference_units(nbformat.read(path, as_version=4))


def test_the_edition_holds_the_lectures_exercises_support_package_and_pins(built, built_all):
    for lecture in (REPO / "lectures").glob("*.ipynb"):
        waits = bool(_needs(lecture))
        assert (built / "lectures" / lecture.name).is_file() != waits, f"lecture {lecture.name}: notebook or page?"
        assert (built / "lectures" / f"{lecture.stem}.html").is_file() == waits, f"lecture {lecture.stem}: page missing"
        assert (built_all / "lectures" / lecture.name).is_file(), f"lecture {lecture.name} is missing once all is released"
    for unit in assignments():
        waits = bool(_needs(REPO / "exercises" / unit / f"{unit}.ipynb"))
        assert (built / "exercises" / unit / f"{unit}.ipynb").is_file() != waits, f"the {unit} exercise: held back or not?"
        assert (built_all / "exercises" / unit / f"{unit}.ipynb").is_file(), f"the {unit} exercise is missing"
    for name in ("lmcourse/__init__.py", "lmcourse/data.py", "requirements.txt", "constraints.txt", "environment.yml",
                 "postBuild", "install.sh", "disable_staff_tools.py", "pyproject.toml", "README.md", "released.json"):
        assert (built / name).is_file(), f"{name} is missing"
    staff_pins = set((REPO / "requirements.txt").read_text().splitlines())
    pins = [line for line in (built / "requirements.txt").read_text().splitlines() if "==" in line]
    assert pins and set(pins) <= staff_pins, "the student pins must be the staff's pins of the same packages"
    assert not any(p.startswith(("jupyterhub", "dask", "psycopg2", "playwright")) for p in pins), "staff-only packages"


def test_lectures_and_exercises_that_need_unreleased_reference_code_wait_for_it(built):
    """At the start of term: lecture 1 (the n-gram model) and lecture 7 (the RNN-LM) are pages; the
    exercises that build on earlier units' reference code wait for those units' solutions."""
    record = json.loads((built / "released.json").read_text())
    assert record["released_solutions"] == []
    assert record["lectures_as_pages_until_released"] == {"01_ngram_language_models": ["ngram"],
                                                          "04_lstm_gru": ["lstm_gru"],
                                                          "06_encoder_decoder_attention": ["seq2seq"],
                                                          "07_rnn_language_models": ["ngram", "rnnlm"]}
    assert record["exercises_waiting_for_released"] == {"birnn": ["lstm_gru", "rnn"], "lstm_gru": ["rnn"],
                                                        "rnnlm": ["ngram"]}
    assert sorted(p.name for p in (built / "lmcourse" / "reference").iterdir()) == ["__init__.py"]
    assert not (built / edition.RELEASED_FOLDER).exists()
    readme = (built / "README.md").read_text()
    assert "none yet" in readme and "`lectures/01_ngram_language_models.html`" in readme and "`lstm_gru` exercise" in readme
    page = (built / "lectures" / "01_ngram_language_models.html").read_text()
    assert "Kneser" in page and "data:image/png;base64" in page, "the page lost the lecture's text or figures"


def test_released_units_bring_their_reference_code_and_solutions_without_hidden_tests(built_all):
    record = json.loads((built_all / "released.json").read_text())
    assert record["released_solutions"] == assignments()
    assert not record["lectures_as_pages_until_released"] and not record["exercises_waiting_for_released"]
    modules = sorted(p.stem for p in (built_all / "lmcourse" / "reference").glob("*.py"))
    assert modules == ["__init__", "lstm_gru", "ngram", "rnn", "rnnlm"]
    hidden = edition.secret_lines(edition.HIDDEN_REGION)
    for unit in assignments():
        nb = nbformat.read(built_all / edition.RELEASED_FOLDER / unit / f"{unit}.ipynb", as_version=4)
        text = "\n".join(c.source for c in nb.cells)
        assert not any(m in text for m in edition.MARKERS), f"{unit}: nbgrader's markers in the released solutions"
        answers = edition.secret_lines(edition.SOLUTION_REGION, unit)
        assert answers and all(line in text for line in answers), f"{unit}: the released notebook lacks its answers"
        tests = [line for line in hidden if line in text and not any(line in answer for answer in answers)]
        assert not tests, f"{unit}: a hidden test in the released solutions: {tests[:3]}"


def test_the_release_solutions_command_records_units_once(tmp_path):
    record = tmp_path / "released.txt"
    assert edition.released_units(record) == []
    assert edition.release_solutions("rnn", path=record) == ["rnn"]
    assert edition.release_solutions("ngram", path=record) == ["ngram", "rnn"]
    assert edition.release_solutions("rnn", path=record) == ["ngram", "rnn"], "releasing twice changes nothing"
    assert edition.release_solutions("rnn", withdraw=True, path=record) == ["ngram"]
    assert edition.released_units(record) == ["ngram"]
    with pytest.raises(ValueError, match="no unit"):
        edition.release_solutions("transformers", path=record)


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


def test_the_edition_holds_no_solution_or_hidden_test_line(built, built_all):
    edition.check(built)
    edition.check(built_all, released=assignments())


def test_the_check_has_secrets_to_look_for():
    assert edition.secret_lines(edition.HIDDEN_REGION) and edition.secret_lines(edition.SOLUTION_REGION)


@pytest.mark.parametrize("plant", ["hidden_line", "solution_line", "page_line", "marker", "case_file", "test_file"])
def test_the_check_refuses_what_students_must_not_read(built, tmp_path, plant):
    import shutil

    copy = tmp_path / "edition"
    shutil.copytree(built, copy, ignore=shutil.ignore_patterns(".git"))
    edition.check(copy, SOLUTIONS)  # the copy passes before anything is planted
    if plant == "hidden_line":
        (copy / "lmcourse" / "notes.py").write_text(sorted(edition.secret_lines(edition.HIDDEN_REGION))[0] + "\n")
    elif plant == "solution_line":
        nb = nbformat.read(copy / "lectures" / "02_rnn_language_models.ipynb", as_version=4)
        nb.cells.append(nbformat.v4.new_code_cell(sorted(edition.secret_lines(edition.SOLUTION_REGION))[0]))
        nbformat.write(nb, copy / "lectures" / "02_rnn_language_models.ipynb")
    elif plant == "page_line":  # a lecture's page: its code is highlighted token by token, and HTML-escaped
        line = html.escape(sorted(edition.secret_lines(edition.SOLUTION_REGION))[0])
        page = copy / "lectures" / "01_ngram_language_models.html"
        page.write_text(page.read_text() + "<pre>" + "".join(f"<span>{ch}</span>" for ch in line) + "</pre>")
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


def test_the_students_image_is_built_from_the_edition_alone(built):
    """hub.Dockerfile: the staff image's base, every COPY from the edition's own files (the build
    context is the edition, which the leak check covers), the edition's install, no grader."""
    text = (built / "hub.Dockerfile").read_text()
    steps = [line for line in text.replace("\\\n", " ").splitlines() if line and not line.startswith("#")]
    staff_base = next(line for line in (REPO / "hub" / "Dockerfile").read_text().splitlines() if line.startswith("FROM "))
    assert steps[0] == staff_base, "the students' image must start from the staff image's pinned base"
    for step in (s for s in steps if s.startswith("COPY ")):
        source = [a for a in step.split()[1:] if not a.startswith("--")][0]
        assert (built / source).exists(), f"{step}: {source} is not in the edition"
    assert any("bash install.sh python" in s for s in steps), "the image must install with the edition's install.sh"
    assert "bubblewrap" not in text and "autograder" not in text, "the students' image holds the grader"


def test_a_page_shows_the_outputs_of_a_cell_holding_reference_code_but_not_its_code(tmp_path):
    """A lecture cell tagged reference:<unit> writes out graded code itself: until the unit is released
    the lecture is a page, with that cell's outputs and without its source."""
    code = "def lstm_steps_written_out(x):\n    return x * 7\nprint('gate means', lstm_steps_written_out(6))"
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# The LSTM's gates"),
        nbformat.v4.new_code_cell(code, metadata={"tags": ["reference:lstm_gru"]},
                                  outputs=[nbformat.v4.new_output("stream", name="stdout", text="gate means 42\n")]),
        nbformat.v4.new_code_cell("print('plain cell')")])
    (tmp_path / "lectures").mkdir()
    nbformat.write(nb, tmp_path / "lectures" / "04_demo.ipynb")
    assert reference_units(nb) == ["lstm_gru"]
    assert edition._lectures_as_pages(tmp_path / "lectures", released=[]) == {"04_demo": ["lstm_gru"]}
    page = html.unescape((tmp_path / "lectures" / "04_demo.html").read_text())
    assert "gate means 42" in page and "The LSTM" in page and "plain cell" in page
    assert "lstm_steps_written_out" not in page, "the page shows the code of a cell that holds reference code"
    nbformat.write(nb, tmp_path / "lectures" / "04_demo.ipynb")
    assert edition._lectures_as_pages(tmp_path / "lectures", released=["lstm_gru"]) == {}, "released: the notebook stays"
