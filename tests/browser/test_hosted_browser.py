"""The public demo with several visitors: the queue, the Stop button, the shared default, a closed browser.

The tests share one server of their own, started for them, so they can set the server's training limit and
read the server process's CPU time; none of them trains the default model but the one about the shared default.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.browser.axe import blocking_violations
from tests.browser.conftest import START_TIMEOUT_S, cpu_seconds, free_port, start_server, wait_until_healthy
from tests.browser.helpers import LONG_TRAINING, LONG_TRAINING_EPOCH

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def one_slot_server() -> Iterator[tuple[str, int]]:
    """A server that admits one training at a time; (page URL, process id)."""
    port = free_port()
    process = start_server(port, env={"SEQUENCE_LAB_MAX_TRAININGS": "1"})
    try:
        wait_until_healthy(f"http://127.0.0.1:{port}", process, START_TIMEOUT_S)
        yield f"http://127.0.0.1:{port}/connections", process.pid
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_a_second_visitor_waits_in_line_and_starts_when_the_first_stops(visitor, one_slot_server):
    url, _ = one_slot_server
    first, second = visitor(f"{url}?{LONG_TRAINING}&seed=1"), visitor(f"{url}?seed=2")
    first.get_by_role("button", name="Train", exact=True).click()
    expect(first.get_by_text(LONG_TRAINING_EPOCH)).to_be_visible(timeout=60_000)
    second.get_by_role("button", name="Train", exact=True).click()
    expect(second.get_by_text("you are number 1 in line")).to_be_visible(timeout=30_000)

    first.get_by_role("button", name="Stop training").click()
    expect(first.get_by_text("You stopped the training")).to_be_visible(timeout=30_000)
    expect(first.get_by_role("button", name="Train", exact=True)).to_be_visible()  # ready to train again
    expect(second.get_by_test_id("stMain").get_by_text("Held-out accuracy")).to_be_visible(timeout=90_000)
    expect(second.get_by_test_id("stSidebar").get_by_text("Trained models (1 of")).to_be_visible()
    expect(first.get_by_test_id("stSidebar").get_by_text("Trained models (0 of")).to_be_visible()


def test_the_default_model_is_trained_once_and_shown_to_the_next_visitor_at_once(visitor, one_slot_server):
    url, _ = one_slot_server
    first = visitor(url)
    first.get_by_role("button", name="Train", exact=True).click()
    expect(first.get_by_test_id("stMain").get_by_text("Held-out accuracy")).to_be_visible(timeout=90_000)
    expect(first.get_by_text("shared default model")).to_be_visible()
    assert blocking_violations(first) == []  # axe on the trained page

    started = time.monotonic()
    second = visitor(url)
    expect(second.get_by_test_id("stMain").get_by_text("Held-out accuracy")).to_be_visible()
    assert time.monotonic() - started < 15  # a page load, no training
    expect(second.get_by_text("shared default model")).to_be_visible()
    expect(second.get_by_role("button", name="Train", exact=True)).to_have_count(0)


def test_a_visitor_who_closes_the_browser_mid_training_leaves_the_server_idle(visitor, one_slot_server):
    url, pid = one_slot_server
    leaving = visitor(f"{url}?{LONG_TRAINING}&seed=3")
    leaving.get_by_role("button", name="Train", exact=True).click()
    expect(leaving.get_by_text(LONG_TRAINING_EPOCH)).to_be_visible(timeout=60_000)
    leaving.context.close()
    time.sleep(3)  # the training hears of it at its next epoch end
    before = cpu_seconds(pid)
    time.sleep(4)
    assert (cpu_seconds(pid) - before) / 4 < 0.3, "the server kept training for a closed page"

    staying = visitor(f"{url}?seed=4")  # and the slot was given back
    staying.get_by_role("button", name="Train", exact=True).click()
    expect(staying.get_by_test_id("stMain").get_by_text("Held-out accuracy")).to_be_visible(timeout=90_000)
