import pytest
from playwright.sync_api import expect

from tests.browser.axe import blocking_violations
from tests.browser.helpers import wait_for_idle

pytestmark = pytest.mark.browser


def gradient_line(page) -> str:
    """The drawn path of the gradient-norm curve (the chart after the BPTT equation)."""
    chart = page.get_by_test_id("stPlotlyChart").filter(has=page.locator("text=step t")).first
    return chart.locator("path.js-line").first.get_attribute("d")


def test_moving_the_spectral_radius_redraws_the_gradient_plot(page, server_url):
    page.goto(f"{server_url}/internals")
    wait_for_idle(page)
    assert blocking_violations(page) == []  # axe on the page as it opens, with its defaults
    main = page.get_by_test_id("stMain")  # the sidebar's Try-this box says "it vanishes" too
    expect(main.get_by_text("it vanishes").or_(main.get_by_text("stays about the same size"))).to_be_visible()
    before = gradient_line(page)
    slider = page.get_by_role("slider", name="Spectral radius of W_hh")
    slider.focus()
    slider.press("End")  # the largest radius
    expect(slider).to_have_value("2")
    wait_for_idle(page)
    for _ in range(50):  # the chart redraws a moment after the run ends
        if gradient_line(page) != before:
            break
        page.wait_for_timeout(200)
    assert gradient_line(page) != before
    expect(main.get_by_text("Back at step 1 the gradient is")).to_be_visible()
