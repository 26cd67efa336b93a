#!/usr/bin/env bash
# Install what the tests need (first time only; Debian's chromium for the browser
# tests) and run every test: lint, core unit tests, page tests, browser tests.
# Without arguments it then runs the core tests again on TensorFlow: JAX is the
# default backend, TensorFlow the other one the project supports.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh requirements.txt requirements-dev.txt
if [ ! -x /usr/bin/chromium ]; then
  sudo=$([ "$(id -u)" = 0 ] || echo sudo)
  $sudo apt-get update -qq && $sudo apt-get install -y -qq chromium >/dev/null
fi
.venv/bin/ruff check .
.venv/bin/python -m pytest "$@"
if [ $# -eq 0 ]; then
  KERAS_BACKEND=tensorflow .venv/bin/python -m pytest -q -p no:cacheprovider tests/core
fi
