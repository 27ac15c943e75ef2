#!/usr/bin/env bash
# Build the lessons' website into site/_build/html: every lesson executed with one preset on the
# data in $TEXTRNN_LESSONS_DATA (else the AG News files `textrnn-lessons download` fetched).
# Executions are cached per preset, data and package code, so a rebuild after a prose edit
# retrains nothing. A failing cell, a broken link or any other Sphinx warning fails the build.
#
# Usage: bash tools/build_site.sh [--preset smoke|workshop|full] [--build-dir DIR] [--fresh]
#   --preset     the lessons' preset (default: $TEXTRNN_LESSONS_PRESET, else workshop)
#   --build-dir  where html/, the doctrees and the execution cache go (default: site/_build)
#   --fresh      run every lesson again instead of reusing this preset's cached executions
# Needs the site extra: pip install -e ".[site]". PYTHON=... picks the interpreter
# (default: .venv/bin/python if there is one, else python3).
set -euo pipefail
cd "$(dirname "$0")/.."

preset="${TEXTRNN_LESSONS_PRESET:-workshop}"
build_dir=site/_build
fresh=0
while [ $# -gt 0 ]; do
  case "$1" in
    --preset) preset="${2:?--preset needs a name: smoke, workshop or full}"; shift 2 ;;
    --build-dir) build_dir="${2:?--build-dir needs a folder}"; shift 2 ;;
    --fresh) fresh=1; shift ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "error: unknown option $1; see bash tools/build_site.sh --help" >&2; exit 2 ;;
  esac
done

python="${PYTHON:-}"
if [ -z "$python" ]; then
  if [ -x .venv/bin/python ]; then python=.venv/bin/python; else python=python3; fi
fi
if ! "$python" -c "import myst_nb, sphinx_book_theme, textrnn_lessons" 2>/dev/null; then
  echo "error: $python lacks the site's tools or the lessons' package;" \
       "install them with: $python -m pip install -e '.[site]'" >&2
  exit 1
fi

absolute() { "$python" -c 'import os, sys; print(os.path.abspath(sys.argv[1]))' "$1"; }
export TEXTRNN_LESSONS_PRESET="$preset"
if [ -n "${TEXTRNN_LESSONS_DATA:-}" ]; then
  # Sphinx runs from site/ and the kernels from notebooks/: a relative folder would move.
  TEXTRNN_LESSONS_DATA="$(absolute "$TEXTRNN_LESSONS_DATA")"
  export TEXTRNN_LESSONS_DATA
fi
build_dir="$(absolute "$build_dir")"
export TEXTRNN_SITE_BUILD_DIR="$build_dir" TEXTRNN_SITE_FRESH="$fresh"
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}" PYDEVD_DISABLE_FILE_VALIDATION=1

started=$(date +%s)
rm -rf "$build_dir/html"  # no page left over from an older build (a renamed lesson, say)
"$python" -m sphinx -W --keep-going -b html -c site -d "$build_dir/doctrees" . "$build_dir/html"
echo "Built $build_dir/html in $(( $(date +%s) - started )) s (preset $preset)."
