"""Small waits and settings shared by the browser tests (and the load bench)."""

import re
from contextlib import suppress

from playwright.sync_api import Error, Page

SCRIPT_STATE = ("() => { const app = document.querySelector('[data-testid=stApp]');"
                " return app === null ? 'none' : app.dataset.testScriptState; }")
RUN_STARTS_WITHIN_MS = 2_000
# A connection-types link whose training runs about a minute (1.5 s an epoch): time to act while it runs.
LONG_TRAINING = "epochs=100&num_examples=10000&units=128&sequence_length=30"
LONG_TRAINING_EPOCH = re.compile(r"Epoch \d+ of 100")  # its progress bar, once it trains


def wait_for_idle(page: Page, timeout_ms: int = 60_000) -> None:
    """Wait until Streamlit has finished the script run that the last action caused.

    A run starts a moment after the click or key press; on a busy machine that
    moment can be long, so first wait (briefly) to see it start, then for it to end.
    """
    with suppress(Error):  # it may have started and ended already, or the action caused no run
        page.wait_for_function(f"() => ({SCRIPT_STATE})() === 'running'", timeout=RUN_STARTS_WITHIN_MS)
    page.wait_for_function(f"() => !['running', 'none'].includes(({SCRIPT_STATE})())", timeout=timeout_ms)


def wait_until_drawn(page: Page) -> None:
    """Wait until no element is still a loading placeholder (Streamlit's skeletons), after the script has run."""
    page.wait_for_function("() => document.querySelector('[data-testid=stSkeleton]') === null", timeout=60_000)


def submit_text(page: Page, label: str, text: str) -> None:
    """Type ``text`` into the text box labelled ``label``, press Enter and wait for the rerun it causes."""
    box = page.get_by_role("textbox", name=label)
    box.fill(text)
    box.press("Enter")
    wait_for_idle(page)
