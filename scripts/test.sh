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
# Every test on JAX (the default backend) in two processes (pytest-xdist, one test file at a time each, so a
# module's server is started once) and, alongside, the core tests again on TensorFlow, the other backend the
# project supports. One process ran the JAX tests on about one core: a test trains, waits for a page, or drives
# Chromium, rarely all at once. XLA runs single-threaded in each, so the processes share the two cores instead of
# each spinning up threads for both. The slowest tests are listed at the end, to see where the time goes.
tf_dir=$(mktemp -d)
# Left out on TensorFlow: the command-line tests and the show-the-code script tests (they run the same core
# functions, and the scripts plain Keras, tested on TensorFlow directly by the other core tests), and the tests
# marked `learned`, which train a model until it learns something to check what it learned (the slowest core
# tests, 12-46 s each on TensorFlow); whether the TensorFlow code paths build, train, save and score is what the
# rest of the core tests check there. One thread for TensorFlow: its pools would otherwise contend with the JAX
# run's for both cores.
KERAS_BACKEND=tensorflow TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1 .venv/bin/python -m pytest -q \
  -p no:cacheprovider --basetemp "$tf_dir/tmp" tests/core \
  --ignore=tests/core/test_cli.py --ignore=tests/core/test_scripts.py -m "not learned" \
  >"$tf_dir/log" 2>&1 &
tf_run=$!
status=0
XLA_FLAGS="--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1" \
  .venv/bin/python -m pytest -n 2 --dist loadfile --durations=25 || status=$?
wait "$tf_run" || status=$?
echo "--- core tests on TensorFlow ---"
cat "$tf_dir/log"
rm -rf "$tf_dir"
exit "$status"
