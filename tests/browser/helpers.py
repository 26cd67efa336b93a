"""Small waits shared by the browser tests."""

from playwright.sync_api import Page, expect


def wait_for_idle(page: Page, timeout_ms: int = 60_000) -> None:
    """Wait until Streamlit has finished running the script (its status widget is gone)."""
    page.wait_for_timeout(300)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=timeout_ms)
