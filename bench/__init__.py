"""Benchmarks, run by hand: ``.venv/bin/python -m bench.run``.

Importing ``core`` here, before any benchmark module imports Keras, makes Keras
use the project's backend whatever order a module lists its imports in.
"""

import core  # noqa: F401
