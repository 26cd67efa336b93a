import pytest
from playwright.sync_api import expect

from tests.browser.axe import blocking_violations
from tests.browser.helpers import wait_for_idle

pytestmark = pytest.mark.browser


def test_train_with_defaults_then_see_where_each_word_looked(page, server_url, tmp_path):
    page.goto(f"{server_url}/captioning")
    wait_for_idle(page)
    expect(page.get_by_text("Never in training:")).to_be_visible()
    assert blocking_violations(page) == []  # axe on the page as it opens, with its defaults
    page.get_by_role("button", name="Train", exact=True).click()
    expect(page.get_by_text("exactly right").first).to_be_visible(timeout=240_000)
    wait_for_idle(page)
    expect(page.get_by_text("Greedy decoding: at each step").first).to_be_visible()
    expect(page.get_by_text("narrowest look here was at").first).to_be_visible()
    assert blocking_violations(page) == []  # axe on the trained page
    page.get_by_role("button", name="Draw a new scene", exact=True).click()
    wait_for_idle(page)
    expect(page.get_by_text("new scene #1")).to_be_visible(timeout=30_000)
    page.screenshot(path=str(tmp_path / "captioning.png"), full_page=True)
