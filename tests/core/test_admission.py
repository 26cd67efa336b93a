import threading
import time

import pytest

from core.admission import LIMIT_VARIABLE, Admission, default_limit


def test_never_more_than_the_limit_run_at_once_and_everyone_gets_a_turn():
    admission = Admission(2)
    running, most, lock = 0, 0, threading.Lock()

    def train():
        nonlocal running, most
        with admission.slot():
            with lock:
                running += 1
                most = max(most, running)
            time.sleep(0.05)
            with lock:
                running -= 1

    threads = [threading.Thread(target=train) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert most == 2 and admission.running == 0 and admission.waiting == 0


def _queue_behind(admission: Admission, names: list[str], order: list[str], places: dict) -> list[threading.Thread]:
    """Start one waiter per name, each only once the one before is in the queue; each notes when it gets in."""

    def wait(name: str):
        with admission.slot(on_wait=lambda place, running: places.setdefault(name, []).append(place), poll_s=0.02):
            order.append(name)
            time.sleep(0.1)  # long enough for those behind to hear that they moved up

    threads = []
    for name in names:
        threads.append(threading.Thread(target=wait, args=(name,)))
        threads[-1].start()
        deadline = time.monotonic() + 5
        while admission.waiting < len(threads) and time.monotonic() < deadline:
            time.sleep(0.005)
    return threads


def test_waiters_are_served_in_arrival_order_and_told_their_place():
    admission, order, places = Admission(1), [], {}
    with admission.slot():
        threads = _queue_behind(admission, ["first", "second", "third"], order, places)
        time.sleep(0.1)
        assert order == []
    for thread in threads:
        thread.join(timeout=5)
    assert order == ["first", "second", "third"]
    assert places["first"][0] == 1 and places["second"][0] == 2 and places["third"][0] == 3
    assert places["third"][-1] == 1  # it moved up while the others trained


def test_a_waiter_that_gives_up_leaves_the_queue_and_the_next_moves_up():
    admission, order, places = Admission(1), [], {}

    def leave_at_once(place, running):
        raise RuntimeError("page closed")

    with admission.slot():
        with pytest.raises(RuntimeError), admission.slot(on_wait=leave_at_once):
            pass
        threads = _queue_behind(admission, ["next"], order, places)
        time.sleep(0.05)
        assert places["next"][0] == 1
    threads[0].join(timeout=5)
    assert order == ["next"] and admission.waiting == 0


def test_a_training_that_fails_gives_its_slot_back():
    admission = Admission(1)
    with pytest.raises(ValueError), admission.slot():
        raise ValueError("bad data")
    assert admission.running == 0
    with admission.slot():
        assert admission.running == 1


def test_limit_comes_from_the_environment_when_it_is_a_positive_number(monkeypatch):
    monkeypatch.setenv(LIMIT_VARIABLE, "3")
    assert default_limit() == 3
    for bad in ("0", "-1", "two", ""):
        monkeypatch.setenv(LIMIT_VARIABLE, bad)
        assert default_limit() >= 1
    with pytest.raises(ValueError):
        Admission(0)
