#!/usr/bin/env bash
# The one install path of the course's Python environment, shared by scripts/setup.sh (into
# .venv), hub/Dockerfile (the course image) and postBuild (Binder / repo2docker): the pins of
# requirements.txt with constraints.txt for everything they pull in, the data package without its
# dependencies, and this repository installed editable.
# Usage: scripts/install-env.sh PYTHON    (the interpreter whose environment receives the packages)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${1:?usage: scripts/install-env.sh PYTHON}
"$PY" -c 'import sys; sys.version_info[:2] == (3, 11) or print(f"install-env: warning: the pins are resolved for Python 3.11, this is {sys.version.split()[0]}", file=sys.stderr)'
pip=("$PY" -m pip install --quiet --disable-pip-version-check)
"${pip[@]}" -r requirements.txt -c constraints.txt
"${pip[@]}" --no-deps -r requirements-nodeps.txt
"${pip[@]}" --no-deps --no-build-isolation -e .
