import pytest
from playwright.sync_api import expect

from tests.browser.axe import blocking_violations
from tests.browser.helpers import submit_text, wait_for_idle

pytestmark = pytest.mark.browser


def test_train_encoder_decoder_and_decode_a_typed_number(page, server_url):
    page.goto(f"{server_url}/connections")
    wait_for_idle(page)
    page.get_by_test_id("stSelectbox").filter(has_text="Pattern").click()
    page.get_by_role("option", name="Encoder–decoder (different lengths)").click()
    wait_for_idle(page)
    page.get_by_role("button", name="Train", exact=True).click()
    expect(page.get_by_text("Held-out exact match")).to_be_visible(timeout=90_000)
    submit_text(page, "A number from 0 to 999", "507")
    expect(page.get_by_text("truth: five hundred seven")).to_be_visible()
    expect(page.get_by_test_id("stSidebar").get_by_text("Trained models (1 of")).to_be_visible()
    assert blocking_violations(page) == []  # axe on the trained page


def test_attention_shows_where_each_word_looked_and_the_comparison_by_digits(page, server_url, tmp_path):
    page.goto(f"{server_url}/connections?pattern=encoder_decoder&attention=true&digits=4&epochs=4")
    wait_for_idle(page)
    page.get_by_role("button", name="Train", exact=True).click()
    expect(page.get_by_text("Held-out exact match")).to_be_visible(timeout=120_000)
    submit_text(page, "A number from 0 to 9,999", "4072")
    expect(page.get_by_text("truth: four thousand seventy two")).to_be_visible()
    expect(page.get_by_text("share of its attention on that digit", exact=False)).to_be_visible()
    expect(page.get_by_text("with attention", exact=False).first).to_be_visible()
    page.screenshot(path=str(tmp_path / "attention.png"), full_page=True)
