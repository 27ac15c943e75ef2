#!/usr/bin/env bash
# Set up and run every test: helpers (pytest), every notebook end to end (nbval, smoke preset)
# and the browser tests (JupyterLab and Voila in headless Chromium).
# Usage: bash tools/test.sh [pytest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[test,e2e]"
if [ -x .ci/e2e-setup ] || [ -f .ci/e2e-setup ]; then
  bash .ci/e2e-setup   # Debian's chromium and Playwright for tests/e2e (needs root or sudo)
fi
if [ -f .ci/room-setup ]; then bash .ci/room-setup; fi   # configurable-http-proxy for tests/test_room.py
export TEXTRNN_LESSONS_DATA="${TEXTRNN_LESSONS_DATA:-../shared/ag_news/mini}"
exec .venv/bin/python -m pytest "$@"
