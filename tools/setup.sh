#!/usr/bin/env bash
# Set up what the tests need, once: the virtual environment (.venv) with the package and its
# test, browser, website and developer extras; Debian's Chromium and Playwright for the browser
# tests (.ci/e2e-setup: needs root or sudo); the JupyterHub proxy for the room tests
# (.ci/room-setup: needs npm). Safe to run again: when nothing changed it only checks, in
# seconds; it reinstalls the package when pyproject.toml has changed.
# Usage: bash tools/setup.sh
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ ! -x .venv/bin/python ]]; then
    echo "setup: creating .venv"
    python3 -m venv .venv
fi
stamp=.venv/.textrnn-lessons-installed
wanted=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [[ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]]; then
    echo "setup: installing the package and its test, browser, website and developer extras"
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -e ".[test,e2e,site,dev]"
    echo "$wanted" >"$stamp"
else
    echo "setup: .venv is up to date with pyproject.toml"
fi
PYTHON=.venv/bin/python bash .ci/e2e-setup
bash .ci/room-setup
