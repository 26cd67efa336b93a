"""Run a benchmark script in a fresh interpreter, so its first run is truly cold."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_fresh(script: str, *args: object, env: dict[str, str] | None = None, timeout_s: float | None = None,
              xla_cache: str | None = None) -> dict:
    """Run ``script`` with ``args`` in a new Python process; return the JSON its last line prints.

    The process gets an empty XLA compilation cache of its own, so its first
    training compiles from scratch, as on a new server; pass ``xla_cache`` (a
    folder) to share one between processes instead, as a restarted server
    does. ``env`` adds to its environment (a backend, thread flags); past
    ``timeout_s`` the process is killed and TimeoutError raised.
    """
    with tempfile.TemporaryDirectory() as empty_cache:
        env = {**os.environ, "JAX_COMPILATION_CACHE_DIR": xla_cache or empty_cache, **(env or {})}
        try:
            done = subprocess.run([sys.executable, "-c", script, *map(str, args)], cwd=ROOT, capture_output=True,
                                  text=True, check=True, env=env, timeout=timeout_s)
        except subprocess.TimeoutExpired as err:
            raise TimeoutError(f"{script[:60]}… ran past {timeout_s} s") from err
    return json.loads(done.stdout.strip().splitlines()[-1])
