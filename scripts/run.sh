#!/usr/bin/env bash
# Install (first time only) and start the dashboard on http://localhost:8501.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh requirements.txt
exec .venv/bin/streamlit run app.py --server.port "${PORT:-8501}" "$@"
