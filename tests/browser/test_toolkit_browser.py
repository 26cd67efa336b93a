import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import blocking_violations
from tests.browser.helpers import wait_for_idle

pytestmark = pytest.mark.browser


def choose(page: Page, label: str, option: str) -> None:
    """Pick ``option`` in the select box ``label`` of an idle page and wait for the rerun it causes."""
    box = page.get_by_role("combobox", name=label)
    box.scroll_into_view_if_needed()  # a list opened while the page still scrolls closes at once
    expect(box).to_be_in_viewport()
    box.click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_for_idle(page)


def test_copied_link_opens_the_same_settings_in_a_new_browser_and_runs_compare(page, browser, server_url, tmp_path):
    page.goto(f"{server_url}/connections")
    wait_for_idle(page)
    assert blocking_violations(page) == []  # axe on the page as it opens, with its defaults
    choose(page, "Pattern", "One-to-many")
    choose(page, "Recurrent cell", "LSTM")
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_text("Share these settings").click()
    link = sidebar.get_by_test_id("stCode").inner_text().strip()
    assert "pattern=one_to_many" in link and "cell=LSTM" in link and link.startswith(server_url)

    stranger = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    stranger.goto(link)
    wait_for_idle(stranger)
    expect(stranger.get_by_role("combobox", name="Pattern")).to_have_value("One-to-many")
    expect(stranger.get_by_role("combobox", name="Recurrent cell")).to_have_value("LSTM")

    stranger.get_by_role("button", name="Train", exact=True).click()
    expect(stranger.get_by_text("What happened, and what next")).to_be_visible(timeout=90_000)
    wait_for_idle(stranger)
    stranger.get_by_text("Show the code: this model in plain Keras").click()
    expect(stranger.get_by_text("def build_one_to_many", exact=False)).to_be_visible()
    choose(stranger, "Recurrent cell", "GRU")
    stranger.get_by_role("button", name="Train", exact=True).click()
    expect(stranger.get_by_text("Your runs on this page")).to_be_visible(timeout=90_000)
    expect(stranger.get_by_test_id("stPlotlyChart").last).to_be_visible()
    stranger.screenshot(path=str(tmp_path / "toolkit.png"), full_page=True)
    stranger.context.close()
