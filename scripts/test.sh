#!/usr/bin/env bash
# Install what the tests need (first time only; Debian's chromium for the browser
# tests) and run every test: lint, core unit tests, page tests, browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh requirements.txt requirements-dev.txt
if [ ! -x /usr/bin/chromium ]; then
  sudo=$([ "$(id -u)" = 0 ] || echo sudo)
  $sudo apt-get update -qq && $sudo apt-get install -y -qq chromium >/dev/null
fi
.venv/bin/ruff check .
exec .venv/bin/python -m pytest "$@"
