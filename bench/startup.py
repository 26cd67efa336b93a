"""Seconds from launching the server to the home page painted in Chromium."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

from playwright.sync_api import Browser, sync_playwright

from tests.browser.conftest import CHROMIUM, free_port, wait_until_healthy

ROOT = Path(__file__).resolve().parents[1]


def time_to_first_paint(browser: Browser, command: list[str], ready_selector: str) -> float:
    """Launch ``command`` on a free port; return seconds until ``ready_selector`` is visible."""
    port = free_port()
    started = time.perf_counter()
    server = subprocess.Popen([*command, "--server.port", str(port), "--server.headless", "true",
                               "--server.address", "127.0.0.1"],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_healthy(url, server, timeout_s=60)
        page = browser.new_page()
        page.goto(url)
        page.locator(ready_selector).first.wait_for(state="visible", timeout=60_000)
        elapsed = time.perf_counter() - started
        page.close()
        return elapsed
    finally:
        server.terminate()
        server.wait(timeout=20)


def measure(runs: int) -> dict[str, list[float]]:
    """First-paint times of Sequence Lab's home page and of ``streamlit hello``, interleaved."""
    streamlit = [sys.executable, "-m", "streamlit"]
    targets = {
        "Sequence Lab home": ([*streamlit, "run", "app.py"], "h1:has-text('Sequence Lab')"),
        "streamlit hello": ([*streamlit, "hello"], "h1"),
    }
    times: dict[str, list[float]] = {name: [] for name in targets}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for _ in range(runs):
            for name, (command, selector) in targets.items():
                times[name].append(time_to_first_paint(browser, command, selector))
        browser.close()
    return times


def median(values: list[float]) -> float:
    return statistics.median(values)
