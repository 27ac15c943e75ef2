#!/usr/bin/env bash
# Run the tests in the environment tools/setup.sh made (it never rebuilds it).
#   bash tools/test.sh          the fast tier: the helpers, in about 2 minutes
#   bash tools/test.sh --all    everything CI runs: the fast tier, every lesson end to end
#                               (nbval), the browser tests, the room, the website
# Further arguments go to pytest, e.g. `bash tools/test.sh -k vectorizer` or
# `bash tools/test.sh --all notebooks/02_single_rnn_25_tokens.ipynb`.
# The data: $TEXTRNN_LESSONS_DATA, else the offline AG News split in ../shared/ag_news/mini.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ ! -x .venv/bin/python ]]; then
    echo "error: there is no .venv here yet: run \`bash tools/setup.sh\` first." >&2
    exit 2
fi
export TEXTRNN_LESSONS_DATA="${TEXTRNN_LESSONS_DATA:-../shared/ag_news/mini}"
if [[ "${1:-}" == "--all" ]]; then
    shift
    exec .venv/bin/python -m pytest -m "" "$@"
fi
exec .venv/bin/python -m pytest "$@"
