"""Knobs: settings fields that carry their own label, help text and bounds.

Each page keeps every setting in one flat frozen dataclass (nanoGPT's GPTConfig
habit). Declaring a field with :func:`knob` puts its bounds and its plain-words
tooltip next to its default, so the widgets, the cache key, validation and the
command line all read one source instead of repeating numbers in each page.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Knob:
    """How one setting is shown and bounded. ``choices`` makes it a pick-list."""

    label: str
    help: str
    low: float | None = None
    high: float | None = None
    step: float | None = None
    choices: tuple[Any, ...] | None = None
    choice_labels: dict[Any, str] | None = None  # how each choice is shown, when not as itself

    def show(self, value: Any) -> str:
        """The text a widget shows for ``value``."""
        return (self.choice_labels or {}).get(value, str(value))


def knob(default: Any, label: str, help: str, **bounds: Any) -> Any:
    """A dataclass field whose metadata describes its widget and its valid range."""
    return dataclasses.field(default=default, metadata={"knob": Knob(label, help, **bounds)})


LEARNING_RATES = (0.0003, 0.001, 0.003, 0.01, 0.03)
BATCH_SIZES = (8, 16, 32, 64, 128, 256, 512)


def epochs_knob(default: int, high: int = 200, of: str = "the training data", note: str = "") -> Any:
    """The number of passes over the data, as every training page declares it (``note`` adds a page's detail)."""
    return knob(default, "Epochs", f"How many passes over {of}. More passes fit the training data better, but "
                f"take longer and can start memorising it.{note}", low=1, high=high)


def batch_size_knob(default: int, choices: tuple[int, ...] = BATCH_SIZES, of: str = "examples") -> Any:
    """How many examples make one weight update."""
    return knob(default, "Batch size", f"How many {of} the model looks at before each weight update. Bigger "
                "batches train faster per epoch but take fewer, smoother steps.", choices=choices)


def learning_rate_knob(default: float, choices: tuple[float, ...] = LEARNING_RATES) -> Any:
    """How big each weight update is."""
    return knob(default, "Learning rate", "How big each weight update is. Too high and the loss jumps around "
                "or explodes; too low and learning crawls.", choices=choices)


def seed_knob(default: int = 42, picks: str = "starting weights, shuffling, generated data") -> Any:
    """The seed that fixes every random choice of a run."""
    return knob(default, "Random seed", f"Fixes every random choice ({picks}). The same seed and settings give "
                "the same result.", low=0, high=9999)


def knobs_of(settings_type: type) -> dict[str, Knob]:
    """The knobs of a settings dataclass, by field name, in declaration order."""
    return {
        f.name: f.metadata["knob"]
        for f in dataclasses.fields(settings_type)
        if "knob" in f.metadata
    }


def as_dict(settings: Any) -> dict[str, Any]:
    """The settings as a plain dict (for JSON, cache keys and tables)."""
    return dataclasses.asdict(settings)


def check_value(knob_: Knob, name: str, value: Any) -> None:
    """Raise ValueError, in words a user can act on, if ``value`` is outside the knob's range."""
    if knob_.choices is not None:
        if value not in knob_.choices:
            options = ", ".join(str(c) for c in knob_.choices)
            raise ValueError(f"{knob_.label} ('{name}') must be one of {options}; got {value!r}.")
        return
    if knob_.low is not None and value < knob_.low:
        raise ValueError(f"{knob_.label} ('{name}') must be at least {knob_.low}; got {value}.")
    if knob_.high is not None and value > knob_.high:
        raise ValueError(f"{knob_.label} ('{name}') must be at most {knob_.high}; got {value}.")


def validate(settings: Any) -> Any:
    """Check every knob of ``settings`` against its bounds; return the settings unchanged."""
    for name, knob_ in knobs_of(type(settings)).items():
        check_value(knob_, name, getattr(settings, name))
    return settings


def differing_fields(all_settings: list[Any]) -> list[str]:
    """Names of the fields whose values are not the same in every one of ``all_settings``."""
    if not all_settings:
        return []
    dicts = [as_dict(s) for s in all_settings]
    names = list(dicts[0])
    return [n for n in names if len({repr(d.get(n)) for d in dicts}) > 1]
