"""The students' environment for the tests that run the student edition (its notebooks, its hub)."""
import subprocess
import sysconfig
from pathlib import Path


def install_student_venv(base_python, edition_folder, venv):
    """A new venv at ``venv``, made by ``base_python``, with the student edition at
    ``edition_folder`` installed editable from its own files. Its third-party packages are the staff
    venv's, at the pins the edition's requirements.txt names, through a path file: the staff's
    editable installs (its lmcourse, the grader) are not processed. Returns the venv's python."""
    subprocess.run([str(base_python), "-m", "venv", "--without-pip", str(venv)], check=True, capture_output=True)  # pip: the staff's
    python = Path(venv) / "bin" / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             check=True, capture_output=True, text=True).stdout.strip()
    (Path(purelib) / "staff-packages.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", "--no-index",
                    "-e", str(edition_folder)], check=True, capture_output=True)
    return python
