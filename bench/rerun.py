"""Server time of a rerun of a page whose model is already in the session cache."""

from __future__ import annotations

import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]


def measure(runs: int) -> list[float]:
    """Train the connections page's default model once, then time ``runs`` plain reruns."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page("views/connections.py").run()
    at.button(key="Connection types.train").click().run()
    assert at.metric, "the page did not train"
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - started)
    assert not at.exception
    return times
