"""Run a benchmark script in a fresh interpreter, so its first run is truly cold."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_fresh(script: str, *args: object) -> dict:
    """Run ``script`` with ``args`` in a new Python process; return the JSON its last line prints."""
    done = subprocess.run([sys.executable, "-c", script, *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])
