import pytest
from playwright.sync_api import expect

from tests.browser.axe import blocking_violations
from tests.browser.helpers import wait_for_idle

pytestmark = pytest.mark.browser


def test_train_the_three_models_with_defaults_then_classify_a_new_clip(page, server_url, tmp_path):
    page.goto(f"{server_url}/video")
    wait_for_idle(page)
    assert blocking_violations(page) == []  # axe on the page as it opens, with its defaults
    page.get_by_role("button", name="Train", exact=True).click()
    expect(page.get_by_text("Reading frames in order")).to_be_visible(timeout=120_000)
    expect(page.get_by_text("What each model can and cannot see")).to_be_visible()
    assert blocking_violations(page) == []  # axe on the trained page
    tab = page.get_by_role("tab", name="3D CNN curves")
    tab.click()
    expect(tab).to_have_attribute("aria-selected", "true")
    expect(page.locator('[role="tabpanel"]:visible').locator(".stPlotlyChart")).to_be_visible()
    page.get_by_role("button", name="Make a new clip", exact=True).click()
    wait_for_idle(page)
    expect(page.get_by_text("new clip #1")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Each model's probability for every class")).to_be_visible()
    page.screenshot(path=str(tmp_path / "video.png"), full_page=True)
