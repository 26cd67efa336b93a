import pytest
from playwright.sync_api import expect

from bench.texts import python_reference
from core import text as tx
from tests.browser.axe import blocking_violations
from tests.browser.helpers import submit_text, wait_for_idle

pytestmark = pytest.mark.browser


def test_train_with_defaults_then_generate_from_a_typed_seed(page, server_url, tmp_path):
    page.goto(f"{server_url}/textgen")
    wait_for_idle(page)
    assert blocking_violations(page) == []  # axe on the page as it opens, with its defaults
    page.get_by_role("button", name="Train", exact=True).click()
    expect(page.get_by_role("heading").filter(has_text="held-out test documents")).to_be_visible(timeout=90_000)
    assert blocking_violations(page) == []  # axe on the trained page
    submit_text(page, "Seed text", "classic black")
    expect(page.get_by_test_id("stMarkdown").filter(has_text="classic black")).to_be_visible(timeout=30_000)
    candidates = page.get_by_test_id("stPlotlyChart").filter(has=page.locator("text=probability")).first
    expect(candidates).to_be_visible()
    expect(page.get_by_text("The most likely next tokens right after the seed")).to_be_visible()
    page.screenshot(path=str(tmp_path / "textgen.png"), full_page=True)


def test_upload_a_real_text_and_see_its_own_intro_seed_split_and_captions(page, server_url, tmp_path):
    documents = python_reference()[:400]  # the Python reference that help() prints: real prose, on disk
    upload = tmp_path / "python_reference.txt"
    upload.write_text("\n".join(documents) + "\n", encoding="utf-8")
    seed = tx.seed_suggestion(tx.prepare_text(documents, tx.TextSettings()), "word")
    page.goto(f"{server_url}/textgen")
    wait_for_idle(page, timeout_ms=120_000)  # a model trained earlier in this browser is drawn again first
    page.get_by_text("Upload a text file or CSV").click(timeout=90_000)
    wait_for_idle(page)
    page.locator("input[type=file]").set_input_files(str(upload))
    intro = page.get_by_test_id("stMarkdown").filter(has_text="'python_reference.txt'").first
    expect(intro).to_be_visible(timeout=30_000)
    expect(intro).to_contain_text(seed)
    expect(page.get_by_text("no validation document occurs in training").first).to_be_visible()
    page.get_by_role("button", name="Train", exact=True).click()
    expect(page.get_by_role("heading").filter(has_text="held-out test documents")).to_be_visible(timeout=120_000)
    expect(page.get_by_text("outside the vocabulary ([UNK])").first).to_be_visible()
    expect(page.get_by_text("Perplexity: the model").first).to_be_visible()
    expect(page.get_by_role("textbox", name="Seed text")).to_have_value(seed)
    expect(page.get_by_text("clothing")).to_have_count(0)  # nothing about the built-in descriptions
    page.screenshot(path=str(tmp_path / "textgen_real.png"), full_page=True)
