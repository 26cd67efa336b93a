"""A decompression-bomb GIF on the video page: a message in the page at once, and the trained model kept."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import wait_for_idle
from tests.hostile_files import one_colour_gif

pytestmark = pytest.mark.browser
QUICK = "epochs=1&num_classes=2&clips_per_class=20&frames=4&frame_size=16"


def test_a_bomb_gif_gets_its_message_and_the_trained_model_stays(page, server_url, tmp_path):
    page.goto(f"{server_url}/video?{QUICK}")
    wait_for_idle(page)
    page.get_by_role("button", name="Train", exact=True).click()
    expect(page.get_by_text("Reading frames in order")).to_be_visible(timeout=120_000)
    bomb = tmp_path / "bomb.gif"
    bomb.write_bytes(one_colour_gif(9000, 9000, 30))  # 1.6 MB: 30 frames of 81 million pixels each
    gif_uploader = page.get_by_test_id("stFileUploader").filter(has_text="Or upload a short animated GIF")
    gif_uploader.locator("input[type=file]").set_input_files(str(bomb))
    expect(page.get_by_text("9,000 × 9,000 pixels; the limit is 2,000", exact=False)).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Reading frames in order")).to_be_visible()  # the results above are still there
    expect(page.get_by_test_id("stSidebar").get_by_text("Trained models (1 of")).to_be_visible()
