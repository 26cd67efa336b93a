#!/usr/bin/env bash
# Make .venv and install the given requirements files into it, unless they are
# already installed exactly as written (a stamp holds their hash), so a second
# `run` or `test` starts at once.
set -euo pipefail
cd "$(dirname "$0")/.."
python=$(command -v python3.11 || command -v python3)
[ -x .venv/bin/python ] || "$python" -m venv .venv
wanted=$(cat "$@" | sha256sum | cut -c1-16)
stamp=.venv/.installed-$wanted
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet $(printf -- '-r %s ' "$@")
  touch "$stamp"
fi
