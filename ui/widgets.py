"""Widgets made from knobs: label, tooltip and bounds come from the settings dataclass."""

from __future__ import annotations

from typing import Any

import streamlit as st

from core.settings import Knob, knobs_of

NUMBER_INPUT_ABOVE = 500  # ranges wider than this get a number box instead of a slider


def input_knob(settings_type: type, name: str, key_prefix: str) -> Any:
    """One widget for the field ``name`` of ``settings_type``, starting at its default."""
    knob_ = knobs_of(settings_type)[name]
    default = getattr(settings_type(), name)
    key = f"{key_prefix}.{name}"
    if knob_.choices is not None:
        return _input_choice(knob_, default, key)
    if isinstance(default, bool):
        return st.toggle(knob_.label, value=default, help=knob_.help, key=key)
    if isinstance(default, int) and knob_.high - knob_.low > NUMBER_INPUT_ABOVE:
        return int(st.number_input(knob_.label, int(knob_.low), int(knob_.high), default,
                                   help=knob_.help, key=key))
    kind = type(default)
    step = kind(knob_.step) if knob_.step is not None else (1 if kind is int else None)
    return st.slider(knob_.label, kind(knob_.low), kind(knob_.high), default, step=step,
                     help=knob_.help, key=key)


def _input_choice(knob_: Knob, default: Any, key: str) -> Any:
    options = list(knob_.choices)
    if all(isinstance(o, (int, float)) and not isinstance(o, bool) for o in options):
        return st.select_slider(knob_.label, options=options, value=default, help=knob_.help, key=key)
    return st.selectbox(knob_.label, options, index=options.index(default), help=knob_.help, key=key,
                        format_func=knob_.show)


def input_settings(settings_type: type, names: list[str], key_prefix: str) -> dict[str, Any]:
    """Widgets for several fields, returned as keyword arguments for ``settings_type``."""
    return {name: input_knob(settings_type, name, key_prefix) for name in names}
