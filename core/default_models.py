"""Default models trained once per server and shown, read-only, to every visitor who keeps the defaults.

Most visitors press Train without changing anything. On a shared server each
of them would otherwise train the same model from the same seed on the same
data, and get the same result. Here the first one trains it; anyone asking for
it meanwhile waits for that training instead of starting another; everyone
after sees it at once.

Only models of the built-in or generated data and the default settings are
ever stored (the pages decide which), so what is shared holds nothing a visitor
brought, and there are as many as there are pages and built-in datasets.
Shared models are never trained further: predictions go through
:func:`core.training.predict`, which serialises them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.training import TrainResult

POLL_S = 0.5  # how often a visitor waiting for someone else's training hears about it


class SharedResults:
    """One result per key, trained by the first caller; thread-safe."""

    def __init__(self):
        self._results: dict[str, TrainResult] = {}
        self._training: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def __len__(self) -> int:
        return len(self._results)

    def get(self, key: str) -> TrainResult | None:
        """The stored result, or None if nobody has finished training it yet."""
        return self._results.get(key)

    def get_or_train(self, key: str, train: Callable[[], TrainResult | None],
                     on_wait: Callable[[], None] = lambda: None, poll_s: float = POLL_S) -> TrainResult | None:
        """The stored result, after training it with ``train`` if nobody has.

        While another caller trains the same key this waits for it, calling
        ``on_wait`` every ``poll_s`` seconds (it may raise: a closed page stops
        waiting). If that training fails or is stopped, the next waiter trains.
        ``train`` returning None (bad data, said on the page) stores nothing.
        """
        with self._guard:
            lock = self._training.setdefault(key, threading.Lock())
        while not lock.acquire(timeout=poll_s):
            on_wait()
        try:
            if key not in self._results:
                result = train()
                if result is None:
                    return None
                self._results[key] = result
            return self._results[key]
        finally:
            lock.release()
