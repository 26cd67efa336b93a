"""Small waits shared by the browser tests."""

from playwright.sync_api import Page

SCRIPT_IDLE = ("() => { const app = document.querySelector('[data-testid=stApp]');"
               " return app !== null && app.dataset.testScriptState !== 'running'; }")


def wait_for_idle(page: Page, timeout_ms: int = 60_000) -> None:
    """Wait until Streamlit has finished running the script for the last action."""
    page.wait_for_timeout(300)  # let the action's rerun start before asking whether it ended
    page.wait_for_function(SCRIPT_IDLE, timeout=timeout_ms)
