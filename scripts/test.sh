#!/usr/bin/env bash
# Install what the tests need (first time only; Debian's chromium for the browser
# tests, Debian's haproxy for the replicas' test) and run every test: lint, core unit tests, page tests, browser tests.
# With arguments, they go to pytest and only that runs.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh requirements.txt requirements-dev.txt
if [ ! -x /usr/bin/chromium ]; then
  sudo=$([ "$(id -u)" = 0 ] || echo sudo)
  $sudo apt-get update -qq && $sudo apt-get install -y -qq chromium >/dev/null
fi
if [ ! -x /usr/sbin/haproxy ]; then
  sudo=$([ "$(id -u)" = 0 ] || echo sudo)
  $sudo apt-get update -qq && $sudo apt-get install -y -qq haproxy >/dev/null
fi
.venv/bin/ruff check .
if [ $# -gt 0 ]; then
  exec .venv/bin/python -m pytest "$@"
fi
# Every test on JAX (the default backend) and, alongside, the core tests again on
# TensorFlow, the other backend the project supports. The first run leaves a core
# idle much of the time (servers starting, browsers waiting), which the second uses.
tf_dir=$(mktemp -d)
# Left out there: the command-line tests (they run the same core functions, tested on TensorFlow directly by the
# other core tests), and the tests marked `learned`, which train a page's full default to check what it learns
# (the slowest core tests, 30-46 s each on TensorFlow); whether the TensorFlow code paths build, train, save and
# score is what the rest of the core tests check there.
KERAS_BACKEND=tensorflow .venv/bin/python -m pytest -q -p no:cacheprovider --basetemp "$tf_dir/tmp" tests/core \
  --ignore=tests/core/test_cli.py -m "not learned" \
  >"$tf_dir/log" 2>&1 &
tf_run=$!
status=0
.venv/bin/python -m pytest || status=$?
wait "$tf_run" || status=$?
echo "--- core tests on TensorFlow ---"
cat "$tf_dir/log"
rm -rf "$tf_dir"
exit "$status"
