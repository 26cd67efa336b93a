"""How many trainings one server runs at once, and a fair queue for the rest.

A training keeps the CPU cores busy for seconds. On a shared server, eight
visitors pressing Train together would each get an eighth of the machine and
all wait eight times as long, with memory for eight models at once. Instead at
most ``limit`` trainings run together (one by default) and the others wait
their turn in the order they arrived, told their place in the queue.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

LIMIT_VARIABLE = "SEQUENCE_LAB_MAX_TRAININGS"
POLL_S = 0.5  # how often a waiting training hears its place in the queue

WaitFn = Callable[[int, int], None]  # (place in the queue, 1 = next; trainings running now)


class Admission:
    """At most ``limit`` holders of a slot at once; waiters are served first come, first served."""

    def __init__(self, limit: int):
        if limit < 1:
            raise ValueError(f"at least one training must be allowed at once; got {limit}")
        self.limit = limit
        self._changed = threading.Condition()
        self._running = 0
        self._queue: list[object] = []  # waiting tickets, oldest first

    @property
    def running(self) -> int:
        return self._running

    @property
    def waiting(self) -> int:
        return len(self._queue)

    @contextmanager
    def slot(self, on_wait: WaitFn | None = None, poll_s: float = POLL_S) -> Iterator[None]:
        """Hold one slot while the body runs, after waiting for one if all are taken.

        While waiting, ``on_wait(place, running)`` is called at once and then
        every ``poll_s`` seconds, outside the lock, so it may draw on a page or
        raise: a waiter whose page is closed or rerun leaves the queue then, and
        the one behind it moves up.
        """
        ticket = object()
        with self._changed:
            self._queue.append(ticket)
        try:
            while not self._take_slot(ticket):
                with self._changed:
                    place, running = self._queue.index(ticket) + 1, self._running
                if on_wait is not None:
                    on_wait(place, running)
                with self._changed:
                    self._changed.wait_for(lambda: self._is_free_for(ticket), timeout=poll_s)
        except BaseException:
            with self._changed:
                self._queue.remove(ticket)
                self._changed.notify_all()
            raise
        try:
            yield
        finally:
            with self._changed:
                self._running -= 1
                self._changed.notify_all()

    def _is_free_for(self, ticket: object) -> bool:
        return self._queue[0] is ticket and self._running < self.limit

    def _take_slot(self, ticket: object) -> bool:
        with self._changed:
            if not self._is_free_for(ticket):
                return False
            self._queue.pop(0)
            self._running += 1
            self._changed.notify_all()  # the next in the queue may fit too
            return True


def default_limit() -> int:
    """One training at a time, unless ``SEQUENCE_LAB_MAX_TRAININGS`` says otherwise.

    One, not one per core: XLA already spreads one training over every core,
    and Keras shuffles each epoch with NumPy's process-wide random generator,
    so two trainings at once would draw from one stream in an order set by
    timing, and the same seed would no longer give the same model.
    """
    value = os.environ.get(LIMIT_VARIABLE, "").strip()
    return int(value) if value.isdigit() and int(value) > 0 else 1


TRAININGS = Admission(default_limit())  # the one queue of this server process
