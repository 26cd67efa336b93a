"""Helpers for AppTest page tests: start at app.py, as a visitor would, then open a page."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ui.session import shared_results

ROOT = Path(__file__).resolve().parents[2]
TRAINING_TIMEOUT_S = 120


@pytest.fixture
def open_page():
    def _open(page_path: str) -> AppTest:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TRAINING_TIMEOUT_S).run()
        at.switch_page(page_path).run()
        assert not at.exception, at.exception
        return at

    return _open


@pytest.fixture(autouse=True)
def fresh_server_defaults():
    """Each test starts as on a new server: no shared default model trained yet (AppTests share one process)."""
    shared_results.clear()
