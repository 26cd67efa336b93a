"""Two replicas behind HAProxy (deploy/local.py): each visitor sticks to one, and one dying leaves the other alone.

The same topology as deploy/compose.yaml, from the same HAProxy template,
with Debian's haproxy and two app processes on loopback ports.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Locator, Page, expect

from deploy.local import LocalDeployment
from tests.browser.helpers import LONG_TRAINING, LONG_TRAINING_EPOCH, wait_for_idle

pytestmark = pytest.mark.browser

SERVER_LINE = re.compile(r"Server (replica-\d+):")
RESULT = "Held-out accuracy"  # the metric's label (the sidebar's guide says the words too)


@pytest.fixture
def deployment() -> Iterator[LocalDeployment]:
    with LocalDeployment(replicas=2, warm=False) as running:  # no warm-up: the test trains its own settings
        yield running


def replica_of(page: Page) -> str:
    """The replica this page's sidebar names (the server its session lives in)."""
    line = page.get_by_test_id("stSidebar").get_by_text(SERVER_LINE)
    expect(line).to_be_visible()
    return SERVER_LINE.search(line.inner_text()).group(1)


def result_of(page: Page) -> Locator:
    return page.get_by_test_id("stMetricLabel").get_by_text(RESULT)


def train(page: Page) -> None:
    page.get_by_role("button", name="Train", exact=True).click()
    expect(result_of(page)).to_be_visible(timeout=90_000)


def rerun_by_visiting_home_and_back(page: Page) -> None:
    """Two reruns of the same session (Streamlit's page switch), each a new round trip through HAProxy."""
    pages = page.get_by_test_id("stSidebarNav")  # the navigation, not the guide's links
    pages.get_by_role("link", name="Home").click()
    wait_for_idle(page)
    pages.get_by_role("link", name="Connection types").click()
    wait_for_idle(page)


def test_visitors_stick_to_their_replica_and_a_killed_one_leaves_the_other_untouched(deployment, visitor):
    staying = visitor(f"{deployment.url}/connections?seed=21")
    leaving = visitor(f"{deployment.url}/connections?{LONG_TRAINING}&seed=22")
    home, doomed = replica_of(staying), replica_of(leaving)
    assert {home, doomed} == set(deployment.servers)  # the second visitor went to the less busy replica

    train(staying)
    rerun_by_visiting_home_and_back(staying)
    expect(result_of(staying)).to_be_visible()  # from its session's cache: same replica
    expect(staying.get_by_test_id("stSidebar").get_by_text("Trained models (1 of")).to_be_visible()
    assert replica_of(staying) == home

    leaving.get_by_role("button", name="Train", exact=True).click()
    expect(leaving.get_by_text(LONG_TRAINING_EPOCH)).to_be_visible(timeout=60_000)
    deployment.kill(doomed)

    expect(leaving.get_by_text(f"The server this page was on ({doomed}) stopped")).to_be_visible(timeout=60_000)
    assert replica_of(leaving) == home
    expect(leaving.get_by_role("button", name="Train", exact=True)).to_be_enabled()  # ready to train here
    leaving.goto(f"{deployment.url}/connections?seed=23")  # a short training this time
    train(leaving)

    rerun_by_visiting_home_and_back(staying)  # the other replica's visitor noticed nothing
    expect(result_of(staying)).to_be_visible()
    assert replica_of(staying) == home
    expect(staying.get_by_test_id("stException")).to_have_count(0)
