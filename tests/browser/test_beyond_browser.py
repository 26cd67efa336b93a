import pytest
from playwright.sync_api import expect

from tests.browser.axe import blocking_violations
from tests.browser.helpers import wait_for_idle

pytestmark = pytest.mark.browser

DEFAULT_TRAINING_MS = 400_000  # five models with the defaults, on a machine shared with other jobs
FIRST_LOAD_MS = 300_000  # the server's first page run starts Keras and builds the TCN it reads the field from


def test_train_the_default_comparison_and_see_who_answers_at_each_length(page, server_url, tmp_path):
    page.goto(f"{server_url}/beyond")
    wait_for_idle(page, FIRST_LOAD_MS)
    expect(page.get_by_text("The TCN's receptive field, read from its layers")).to_be_visible()
    assert blocking_violations(page) == []  # axe on the page as it opens, with its defaults
    page.get_by_role("button", name="Train", exact=True).click()
    expect(page.get_by_text("Accuracy on fresh sequences by length")).to_be_visible(timeout=DEFAULT_TRAINING_MS)
    expect(page.get_by_text("Where the Transformer looks")).to_be_visible()
    charts = page.get_by_test_id("stPlotlyChart")
    expect(charts.filter(has=page.locator("text=sequence length")).first).to_be_visible()
    assert blocking_violations(page) == []  # axe on the trained page
    page.screenshot(path=str(tmp_path / "beyond.png"), full_page=True)
