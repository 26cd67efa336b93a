import pytest
from playwright.sync_api import expect

from tests.browser.helpers import submit_text, wait_for_idle

pytestmark = pytest.mark.browser


def test_train_with_defaults_then_generate_from_a_typed_seed(page, server_url, tmp_path):
    page.goto(f"{server_url}/textgen")
    wait_for_idle(page)
    page.get_by_role("button", name="Train", exact=True).click()
    expect(page.get_by_role("heading").filter(has_text="the bigram rule")).to_be_visible(timeout=90_000)
    submit_text(page, "Seed text", "classic black")
    expect(page.get_by_test_id("stMarkdown").filter(has_text="classic black")).to_be_visible(timeout=30_000)
    candidates = page.get_by_test_id("stPlotlyChart").filter(has=page.locator("text=probability")).first
    expect(candidates).to_be_visible()
    expect(page.get_by_text("The most likely next tokens right after the seed")).to_be_visible()
    page.screenshot(path=str(tmp_path / "textgen.png"), full_page=True)
