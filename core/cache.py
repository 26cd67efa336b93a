"""The per-session model cache: trained models keyed by their settings and data.

A Streamlit rerun runs the whole page again; without this cache every click
would retrain. The cache is a thin view over any mutable mapping (in the app,
a dict kept in ``st.session_state``), so it is unit-tested without Streamlit.
It never imports Keras: the sidebar that lists models runs on every page,
the home page included, and must not pay for it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import time
from collections.abc import Callable, Iterator, MutableMapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from core.settings import as_dict

if TYPE_CHECKING:
    from core.training import TrainResult

DEFAULT_MAX_MODELS = 8
DEFAULT_MAX_MB = 256  # one visitor's trained models, estimated (weights, optimizer state, kept arrays)


def fingerprint(*parts: Any) -> str:
    """A short hash that changes whenever any of ``parts`` (arrays, frames, text) changes."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(_bytes_of(part))
        digest.update(b"\x00")
    return digest.hexdigest()[:16]


def _bytes_of(part: Any) -> bytes:
    """Bytes that identify one part: content for arrays and frames, text for the rest."""
    if hasattr(part, "to_numpy") and hasattr(part, "columns"):  # a pandas DataFrame
        return _bytes_of(list(part.columns)) + _bytes_of(part.to_numpy())
    if hasattr(part, "to_numpy"):  # a pandas Series or Index
        return _bytes_of(part.to_numpy())
    if isinstance(part, np.ndarray):
        if part.dtype == object:
            return repr(part.tolist()).encode()
        return f"{part.dtype}{part.shape}".encode() + np.ascontiguousarray(part).tobytes()
    if isinstance(part, bytes):
        return part
    return repr(part).encode()


def model_key(page: str, settings: Any, data_fingerprint: str) -> str:
    """The cache key of a model: same page, settings and data give the same key."""
    payload = json.dumps(
        [page, type(settings).__name__, as_dict(settings), data_fingerprint],
        sort_keys=True, default=repr,
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:20]


@dataclass
class CachedModel:
    """One entry: the training result plus what the sidebar and comparisons list."""

    key: str
    page: str
    summary: str
    result: TrainResult
    created: float
    last_used: int
    size_bytes: int = 0  # estimated; 0 for a shared model, which the server holds whoever keeps it
    shared: bool = False  # the server's default model, read-only (see core.default_models)
    group: str = ""  # what its scores can be compared with: runs of one group share task and held-out data


class ModelCache:
    """At most ``max_models`` trained models and ``max_mb`` of them; the least recently used goes first.

    A model's size is estimated once, when it is stored (:func:`estimated_bytes`).
    The newest model is always kept, even alone over the size bound: it is the
    one its visitor is looking at.

    Recency is a counter stored in each entry rather than the mapping's order,
    so any mapping works, including ones that do not keep insertion order.
    """

    def __init__(
        self,
        store: MutableMapping[str, CachedModel],
        max_models: int = DEFAULT_MAX_MODELS,
        clock: Callable[[], float] = time.time,
        max_mb: float = DEFAULT_MAX_MB,
    ):
        self._store = store
        self.max_models = max_models
        self.max_bytes = max_mb * 2**20
        self._clock = clock

    def __len__(self) -> int:
        return len(self._store)

    def __contains__(self, key: str) -> bool:
        return key in self._store

    def get(self, key: str) -> CachedModel | None:
        """The entry cached under ``key`` (marking it recently used), or None."""
        entry = self._store.get(key)
        if entry is not None:
            entry.last_used = self._next_tick()
        return entry

    def put(self, key: str, page: str, summary: str, result: TrainResult, shared: bool = False,
            group: str = "") -> list[str]:
        """Store a finished result; return the keys evicted to stay within the bounds."""
        size = 0 if shared else estimated_bytes(result)
        self._store[key] = CachedModel(key, page, summary, result, self._clock(), self._next_tick(), size, shared,
                                       group)
        evicted = []
        while len(self._store) > self.max_models or (len(self._store) > 1 and self.size_bytes > self.max_bytes):
            oldest = min((e for e in self._store.values() if e.key != key), key=lambda e: e.last_used)
            del self._store[oldest.key]
            evicted.append(oldest.key)
        return evicted

    @property
    def size_bytes(self) -> int:
        """Estimated bytes held by this cache's own (not shared) models."""
        return sum(entry.size_bytes for entry in self._store.values())

    def delete(self, key: str) -> None:
        """Forget one model (no error if it is already gone)."""
        self._store.pop(key, None)

    def clear(self) -> None:
        """Forget every model of this session."""
        self._store.clear()

    def entries(self, page: str | None = None, group: str | None = None) -> list[CachedModel]:
        """Cached models, newest first, optionally only those trained on ``page`` (and in comparison ``group``)."""
        chosen = [e for e in self._store.values()
                  if (page is None or e.page == page) and (group is None or e.group == group)]
        return sorted(chosen, key=lambda e: e.created, reverse=True)

    def _next_tick(self) -> int:
        return 1 + max((e.last_used for e in self._store.values()), default=0)


def estimated_bytes(result: TrainResult) -> int:
    """What keeping ``result`` costs: its models' weights and optimizer state, and the arrays it keeps.

    Duck-typed (anything with ``weights`` is a model), so this module needs no
    Keras. Models that share layers (a page's reader built over the trained
    model) share variables, and each variable is counted once.
    """
    variables: dict[int, Any] = {}
    arrays = 0
    for part in _parts(result.model, result.details):
        if hasattr(part, "weights") and hasattr(part, "layers"):  # a Keras model
            optimizer = getattr(part, "optimizer", None)
            for variable in [*part.weights, *getattr(optimizer, "variables", [])]:
                variables[id(variable)] = variable
        elif isinstance(part, np.ndarray):
            arrays += part.nbytes
        elif hasattr(part, "memory_usage") and hasattr(part, "columns"):  # a pandas DataFrame
            arrays += int(part.memory_usage(index=True).sum())
    return arrays + sum(int(np.prod(v.shape)) * np.dtype(v.dtype).itemsize for v in variables.values())


def _parts(*parts: Any) -> Iterator[Any]:
    """Every model, array and table inside ``parts``, looking into dataclasses, dicts, lists and tuples."""
    for part in parts:
        if dataclasses.is_dataclass(part) and not isinstance(part, type):
            yield from _parts(*(getattr(part, f.name) for f in dataclasses.fields(part)))
        elif isinstance(part, dict):
            yield from _parts(*part.values())
        elif isinstance(part, (list, tuple)):
            yield from _parts(*part)
        else:
            yield part


LOWER_IS_BETTER = ("error", "mae", "rmse", "loss", "perplexity")


def lower_is_better(score_name: str) -> bool:
    """Whether a smaller value of this score is the better one (errors and losses), from its name."""
    return any(word in score_name.lower() for word in LOWER_IS_BETTER)


def run_labels(entries: list[CachedModel]) -> list[str]:
    """'run 3 · GRU 64 units': numbered in training order, so two runs with one summary stay apart."""
    order = sorted(entries, key=lambda e: e.created)
    return [f"run {order.index(e) + 1} · {e.summary}" for e in entries]


def best_run(entries: list[CachedModel]) -> int | None:
    """Index of the entry whose main score (each result's first) is best past the noise, or None.

    Only runs reporting the newest run's main score under the same name take
    part (a page with several tasks scores each its own way); fewer than two: None.
    The best must beat every other run by more than twice the noise of the
    difference (from each score's standard error, where the result knows it):
    otherwise they tie, and no run is marked best.
    """
    ranked = _ranked(entries)
    if len(ranked) < 2:
        return None
    return ranked[0] if not tied_with_best(entries) else None


def tied_with_best(entries: list[CachedModel]) -> list[int]:
    """Indices of the runs whose main score is within the noise of the top score (the top run included).

    Empty when fewer than two runs share a main score, or when the top run stands alone.
    """
    ranked = _ranked(entries)
    if len(ranked) < 2:
        return []
    name = next(iter(entries[ranked[0]].result.scores))
    top = entries[ranked[0]].result
    tied = [i for i in ranked[1:] if abs(top.scores[name] - entries[i].result.scores[name])
            <= 2 * (top.score_noise.get(name, 0.0) ** 2 + entries[i].result.score_noise.get(name, 0.0) ** 2) ** 0.5]
    return [ranked[0], *tied] if tied else []


def _ranked(entries: list[CachedModel]) -> list[int]:
    """Indices of the runs scored like the newest one, best main score first."""
    names = [next(iter(e.result.scores), None) for e in entries]
    if not entries or names[0] is None:
        return []
    candidates = [i for i, name in enumerate(names) if name == names[0]]
    return sorted(candidates, key=lambda i: entries[i].result.scores[names[0]],
                  reverse=not lower_is_better(names[0]))


def comparison_rows(entries: list[CachedModel], now: float | None = None) -> list[dict[str, Any]]:
    """One row per model: only the settings that differ, then scores, time and age.

    Settings that all runs share are left out, so the table shows what changed
    between an LSTM and a GRU run rather than twenty identical columns.
    """
    from core.settings import differing_fields

    now = time.time() if now is None else now
    varying = differing_fields([e.result.settings for e in entries])
    rows = []
    for e, label in zip(entries, run_labels(entries), strict=True):
        settings = as_dict(e.result.settings)
        row: dict[str, Any] = {"run": label}
        row.update({name: settings[name] for name in varying})
        row.update({name: round(value, 4) for name, value in e.result.scores.items()})
        row["train seconds"] = round(e.result.seconds, 1)
        row["age"] = describe_age(now - e.created)
        rows.append(row)
    return rows


def describe_age(seconds: float) -> str:
    """'12 s ago', '3 min ago', '2 h ago': how long since a model was trained."""
    if seconds < 60:
        return f"{seconds:.0f} s ago"
    if seconds < 3600:
        return f"{seconds / 60:.0f} min ago"
    return f"{seconds / 3600:.0f} h ago"
