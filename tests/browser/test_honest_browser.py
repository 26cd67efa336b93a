"""One page walked through as a newcomer would: defaults, a changed setting, a bad link, a too-large upload,
and the Train button while a model trains."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import blocking_violations
from tests.browser.helpers import LONG_TRAINING, LONG_TRAINING_EPOCH, wait_for_idle
from tests.browser.test_toolkit_browser import choose

pytestmark = pytest.mark.browser


def verdict_heading(page: Page):
    return page.get_by_role("heading").filter(has_text="on the last 90 days")


def test_sales_page_defaults_a_changed_setting_a_bad_link_and_a_too_large_upload(page, server_url, tmp_path):
    page.goto(f"{server_url}/forecasting")
    wait_for_idle(page)
    assert blocking_violations(page) == []  # axe on the page as it opens, with its defaults
    page.get_by_role("button", name="Train", exact=True).click()
    expect(verdict_heading(page)).to_contain_text(re.compile(" beats | tie: "), timeout=90_000)
    wait_for_idle(page)
    assert blocking_violations(page) == []  # axe on the trained built-in default, what its inputs are worth included

    choose(page, "Recurrent cell", "LSTM")
    page.get_by_role("button", name="Train", exact=True).click()
    expect(page.get_by_text("Your runs on this page")).to_be_visible(timeout=90_000)
    expect(page.get_by_text("the same task and data (built-in sales: ice cream", exact=False)).to_be_visible()

    page.goto(f"{server_url}/forecasting?epochs=abc&colour=red")
    wait_for_idle(page)
    for note in ("The link's value for Epochs was ignored", "The link's setting colour is not one this page has"):
        expect(page.get_by_text(note, exact=False)).to_be_visible()
    expect(verdict_heading(page)).to_be_visible(timeout=90_000)  # the server's shared default model, at once
    with page.expect_download():
        page.get_by_role("button", name="Forecast ahead (CSV)").click()  # a rerun that changes no setting
    wait_for_idle(page)
    expect(page.get_by_text("The link's setting colour is not one this page has", exact=False)).to_be_visible()

    big = tmp_path / "big.csv"
    big.write_bytes(b"date,sales\n" + b"2024-01-01,1\n" * (20 * 2**20 // 13))
    page.get_by_text("Upload a CSV").click()
    wait_for_idle(page)
    page.locator("input[type=file]").set_input_files(str(big))
    expect(page.get_by_text("'big.csv' is 20.0 MB; the limit is 5 MB", exact=False)).to_be_visible(timeout=60_000)
    page.screenshot(path=str(tmp_path / "too-large.png"), full_page=True)


def test_train_is_disabled_while_a_model_trains_and_stop_stays(page, server_url):
    page.goto(f"{server_url}/connections?{LONG_TRAINING}")
    wait_for_idle(page)
    page.get_by_role("button", name="Train", exact=True).click()
    expect(page.get_by_role("button", name="Train", exact=True)).to_be_disabled(timeout=30_000)
    expect(page.get_by_text(LONG_TRAINING_EPOCH)).to_be_visible(timeout=60_000)
    page.get_by_role("button", name="Stop training").click()
    expect(page.get_by_text("You stopped the training")).to_be_visible(timeout=30_000)
    expect(page.get_by_role("button", name="Train", exact=True)).to_be_enabled()
