import pytest
from playwright.sync_api import expect

from core.catalogue import HOME, PAGES
from tests.browser.axe import blocking_violations
from tests.browser.helpers import wait_for_idle

pytestmark = pytest.mark.browser


def test_home_lists_every_page_and_a_link_opens_its_page(page, server_url):
    page.goto(server_url)
    expect(page.get_by_role("heading", name="Sequence Lab", exact=True)).to_be_visible()
    wait_for_idle(page)
    assert blocking_violations(page) == []  # axe on the page as it opens, with its defaults
    nav = page.get_by_test_id("stSidebarNav")
    for info in (HOME, *PAGES):
        expect(nav.get_by_role("link", name=info.title, exact=True)).to_be_visible()
    target = PAGES[0] if PAGES else HOME
    nav.get_by_role("link", name=target.title, exact=True).click()
    wait_for_idle(page)
    expect(page.get_by_role("heading", name=target.title).first).to_be_visible()
