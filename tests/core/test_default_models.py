import threading
import time

import pytest

from core.default_models import SharedResults


def test_the_first_caller_trains_and_everyone_after_gets_the_same_result():
    shared, trainings = SharedResults(), []

    def train():
        trainings.append(1)
        return {"model": len(trainings)}

    first = shared.get_or_train("default", train)
    assert shared.get_or_train("default", train) is first and shared.get("default") is first
    assert len(trainings) == 1 and shared.get("other") is None


def test_callers_arriving_during_a_training_wait_for_it_instead_of_training_again():
    shared, trainings, results, waits = SharedResults(), [], [], []
    started = threading.Event()

    def slow_train():
        trainings.append(1)
        started.set()
        time.sleep(0.3)
        return "trained"

    def visitor():
        results.append(shared.get_or_train("default", slow_train, on_wait=lambda: waits.append(1), poll_s=0.02))

    first = threading.Thread(target=visitor)
    first.start()
    started.wait(5)
    others = [threading.Thread(target=visitor) for _ in range(3)]
    for thread in [*others]:
        thread.start()
    for thread in [first, *others]:
        thread.join(10)
    assert results == ["trained"] * 4 and len(trainings) == 1 and waits


def test_a_failed_or_refused_training_stores_nothing_and_the_next_caller_trains():
    shared = SharedResults()
    with pytest.raises(RuntimeError):
        shared.get_or_train("default", lambda: (_ for _ in ()).throw(RuntimeError("page closed")))
    assert shared.get_or_train("default", lambda: None) is None
    assert len(shared) == 0
    assert shared.get_or_train("default", lambda: "trained") == "trained"
