"""A real Streamlit server on a free loopback port, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from deploy.local import free_port, start_server, wait_until_healthy
from tests.browser.helpers import wait_for_idle

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
START_TIMEOUT_S = 60
CLOCK_TICKS = 100  # Linux's /proc times are in these per second
# An expectation waits this long unless it says otherwise: Playwright's 5 s is too short for a page drawn while
# the TensorFlow run shares the 2 cores (scripts/test.sh); a time that matters is asserted by its own test.
expect.set_options(timeout=20_000)


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process has used so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


@pytest.fixture(scope="session")
def server_url():
    port = free_port()
    process = start_server(port)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(url, process, START_TIMEOUT_S)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Page:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


@pytest.fixture
def visitor(browser: Browser) -> Iterator[Callable[[str], Page]]:
    """Opens a page as a new visitor (a browser context, so a cookie jar, of their own); every context is closed
    after the test."""
    contexts: list[BrowserContext] = []

    def open_as_new_visitor(url: str) -> Page:
        contexts.append(browser.new_context(viewport={"width": 1400, "height": 1000}))
        page = contexts[-1].new_page()
        page.set_default_timeout(60_000)
        page.goto(url)
        wait_for_idle(page)
        return page

    yield open_as_new_visitor
    for context in contexts:
        context.close()
