"""Everyone can use it (issue 23): axe on every page on a phone in the dark theme, which also checks the phone's
layout; the keyboard alone trains a page, whose compared pair of lines stays apart seen with deuteranopia and
protanopia.

Axe in the light theme at desktop size runs where each page is opened and trained anyway: each page's own browser
test (``tests/browser/test_*_browser.py``) runs it as the page opens with its defaults and again once it has
trained; RNN internals, whose own test does not train, is trained and checked here.
"""

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from core.catalogue import HOME, PAGES, PageInfo
from core.palette import colour_difference
from tests.browser.axe import blocking_violations
from tests.browser.helpers import wait_for_idle, wait_until_drawn

pytestmark = pytest.mark.browser

TRAINING_TIMEOUT_MS = 240_000
PHONE = {"width": 390, "height": 844}
PLAINLY_DIFFERENT = 15.0  # CIE76 ΔE, as tests/core/test_palette.py asks of the palette itself


def url_of(server_url: str, info: PageInfo) -> str:
    """The page's address: Streamlit names it after the file."""
    return f"{server_url}/" + ("" if info is HOME else info.path.removeprefix("views/").removesuffix(".py"))


def open_page(page: Page, url: str) -> None:
    """Open ``url`` and wait until its script has run and no element is still a loading placeholder."""
    page.goto(url)
    wait_for_idle(page)
    wait_until_drawn(page)
    expect(page.get_by_role("heading").first).to_be_visible()


def train(page: Page) -> None:
    """Press the page's Train button and wait until training and its results are drawn."""
    page.get_by_role("button", name="Train", exact=True).click()
    wait_for_idle(page, TRAINING_TIMEOUT_MS)


@contextmanager
def opened_in(browser: Browser, url: str, **context_options) -> Iterator[Page]:
    """``url`` opened in a browser context of its own (a theme, a phone's screen), closed afterwards."""
    context = browser.new_context(**context_options)
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        open_page(page, url)
        yield page
    finally:
        context.close()


ALL_PAGES = [HOME, *PAGES]
IDS = [p.title for p in ALL_PAGES]


def test_axe_finds_no_serious_violation_on_the_trained_internals_page(page, server_url):
    open_page(page, f"{server_url}/internals?epochs=1&num_examples=500")
    train(page)
    expect(page.get_by_text("Inside the trained LSTM")).to_be_visible()
    assert blocking_violations(page) == []


def test_keyboard_alone_trains_a_page_whose_compared_lines_stay_apart_with_colour_blindness(page, server_url):
    """One training serves both: the keyboard reaches the result, and the result's curves are then seen as with
    deuteranopia and protanopia."""
    open_page(page, f"{server_url}/textgen?epochs=1")
    expect(page.get_by_role("button", name="Train", exact=True)).to_be_enabled()  # drawn before Tab looks for it
    for _ in range(120):  # Tab through the page until the Train button has the focus
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement?.innerText?.trim()") == "Train":
            break
    else:
        pytest.fail("Tab never reached the Train button")
    page.keyboard.press("Enter")
    wait_for_idle(page, TRAINING_TIMEOUT_MS)
    expect(page.get_by_role("heading").filter(has_text=re.compile(" beats | tie: "))).to_be_visible()
    for _ in range(40):  # the seed box after the results is reached with Tab too
        page.keyboard.press("Tab")
        if (page.evaluate("() => document.activeElement?.getAttribute('aria-label')") or "").startswith("Seed text"):
            break
    else:
        pytest.fail("Tab never reached the Seed text box after training")
    page.keyboard.press("Control+A")
    page.keyboard.type("classic black")
    page.keyboard.press("Enter")
    wait_for_idle(page)
    expect(page.get_by_test_id("stMarkdown").filter(has_text="classic black")).to_be_visible()
    lines_stay_apart_with_emulated_colour_blindness(page)


@pytest.mark.parametrize("info", ALL_PAGES, ids=IDS)
def test_every_page_fits_a_phone_in_the_dark_theme_with_no_serious_violation(browser: Browser, server_url, info,
                                                                             tmp_path):
    """A phone in the dark theme: the layout is the phone's and the colours the dark theme's, so one opening checks
    both (axe's contrast rules do not depend on the width, sideways scrolling does not depend on the theme)."""
    with opened_in(browser, url_of(server_url, info), viewport=PHONE, is_mobile=True, has_touch=True,
                   device_scale_factor=2, color_scheme="dark") as page:
        background = page.evaluate("() => getComputedStyle(document.querySelector('[data-testid=stApp]'))"
                                   ".backgroundColor")
        assert background != "rgb(255, 255, 255)"  # the dark theme is on
        assert blocking_violations(page) == []
        widths = page.evaluate("() => { const main = document.querySelector('[data-testid=stMain]');"
                               " return [document.documentElement.scrollWidth, main.scrollWidth, main.clientWidth]; }")
        assert widths[0] <= PHONE["width"] and widths[1] <= widths[2], widths  # no sideways scrolling
        for chart in page.get_by_test_id("stPlotlyChart").all():
            chart.scroll_into_view_if_needed()
            box = chart.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 1
        button = page.get_by_role("button", name="Train", exact=True)
        if button.count():
            button.first.scroll_into_view_if_needed()
            expect(button.first).to_be_in_viewport()
        page.screenshot(path=str(tmp_path / "phone.png"), full_page=True)


def line_colour(png: bytes) -> np.ndarray:
    """The colour of a legend's line sample: the pixels farthest from the (uniform) background, averaged."""
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=float) / 255  # (rows, columns, 3)
    flat = pixels.reshape(-1, 3)
    background = np.median(flat, axis=0)
    distance = np.linalg.norm(flat - background, axis=1)
    return flat[distance >= 0.7 * distance.max()].mean(axis=0)


def compared_pair(page: Page) -> tuple[np.ndarray, np.ndarray]:
    """The drawn colours of the training and validation lines, from the first legend that names them."""
    def sample(name: str) -> np.ndarray:
        entry = page.locator("g.legend g.traces").filter(has=page.get_by_text(name, exact=True)).first
        entry.scroll_into_view_if_needed()
        return line_colour(entry.locator(".layers").first.screenshot())

    return sample("training"), sample("validation")


def lines_stay_apart_with_emulated_colour_blindness(page: Page) -> None:
    """The trained page's training and validation lines stay plainly different as seen with each deficiency."""
    normal = compared_pair(page)
    session = page.context.new_cdp_session(page)
    for deficiency in ("deuteranopia", "protanopia"):
        session.send("Emulation.setEmulatedVisionDeficiency", {"type": deficiency})
        seen = compared_pair(page)
        assert colour_difference(seen[1], normal[1]) > 5, deficiency  # the emulation is on: the orange looks different
        assert colour_difference(*seen) >= PLAINLY_DIFFERENT, deficiency
