"""Widgets made from knobs, each kept in the page's link.

Label, tooltip and bounds come from the settings dataclass. Every widget also
reads its starting value from the link (``st.query_params``) the first time
it is drawn in a session, and writes its value back whenever it differs from
the default, so the address bar always holds the page's settings: copy it and
another browser opens the same page with the same settings. Widget keys are
``"<page>.<name>"``; the link uses ``<name>``, which is short and readable.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import streamlit as st

from core.settings import Knob, knobs_of
from core.settings_io import parse_value, to_text

NUMBER_INPUT_ABOVE = 500  # ranges wider than this get a number box instead of a slider
REGISTRY_STATE = "shared_knobs"  # page -> {link name: (knob, default)}: every setting the page may share
VALUES_STATE = "shared_values"  # page -> {link name: value}: the values last drawn, for the settings file
LINK_NOTES_STATE = "link_notes"  # page -> notes on link values that were ignored, shown until a setting changes
# A setting keeps its value while its widget is hidden (the upload branch draws no knobs until a file
# is there) and when the visitor comes back from another page. Without this, Streamlit drops the state
# of a widget not drawn in a run, and the widget came back at its lowest value, not the setting's.
PERSIST = "session"


def split_key(key: str) -> tuple[str, str]:
    """'RNN internals.bptt.steps' -> ('RNN internals', 'bptt.steps'): the page and the link name."""
    page, name = key.split(".", 1)
    return page, name


def register(key: str, knob_: Knob, default: Any) -> None:
    """Remember that the page of ``key`` shares this setting, so links and files may set it."""
    page, name = split_key(key)
    st.session_state.setdefault(REGISTRY_STATE, {}).setdefault(page, {})[name] = (knob_, default)


def register_knobs(settings_type: type, key_prefix: str) -> None:
    """Register every knob of ``settings_type``, drawn now or later (a knob shown only for some choices)."""
    defaults = settings_type()
    for name, knob_ in knobs_of(settings_type).items():
        register(f"{key_prefix}.{name}", knob_, getattr(defaults, name))


def registered(page: str) -> dict[str, tuple[Knob, Any]]:
    """The settings ``page`` shares, by link name."""
    return st.session_state.get(REGISTRY_STATE, {}).get(page, {})


def _start_value(knob_: Knob, default: Any, key: str) -> None:
    """Put the widget's first value in session state: the link's, if valid, else the default.

    Only when the widget has no state yet (a new session or a page just
    opened), so a link never overrides what the visitor has since chosen.
    """
    if key in st.session_state:
        return
    _, name = split_key(key)
    value = default
    if name in st.query_params:
        raw = st.query_params[name]
        try:
            value = parse_value(knob_, default, raw, name)
        except ValueError as err:
            note_on_link(split_key(key)[0], f"The link's value for **{knob_.label}** was ignored: {err} "
                                            f"Using {knob_.show(default)}.")
            del st.query_params[name]
    st.session_state[key] = value


def note_on_link(page: str, note: str) -> None:
    """Keep a note about the link for ``page``: it stays on the page until the visitor changes a setting."""
    st.session_state.setdefault(LINK_NOTES_STATE, {}).setdefault(page, []).append(note)


def link_notes(page: str) -> list[str]:
    """The notes about ``page``'s link that are still standing."""
    return st.session_state.get(LINK_NOTES_STATE, {}).get(page, [])


def _publish(key: str, value: Any, default: Any) -> None:
    """Write the value into the link (or take it out when it is the default) and keep it for the file.

    A value that differs from the one drawn last time is the visitor changing
    a setting: the notes about the link they arrived with have served.
    """
    page, name = split_key(key)
    values = st.session_state.setdefault(VALUES_STATE, {}).setdefault(page, {})
    if name in values and values[name] != value:
        st.session_state.get(LINK_NOTES_STATE, {}).pop(page, None)
    values[name] = value
    if value == default:
        if name in st.query_params:
            del st.query_params[name]
    elif st.query_params.get(name) != to_text(value):
        st.query_params[name] = to_text(value)


def input_knob(settings_type: type, name: str, key_prefix: str) -> Any:
    """One widget for the field ``name`` of ``settings_type``, starting at the link's value or the default."""
    knob_ = knobs_of(settings_type)[name]
    default = getattr(settings_type(), name)
    key = f"{key_prefix}.{name}"
    register_knobs(settings_type, key_prefix)
    _start_value(knob_, default, key)
    value = _draw(knob_, default, key)
    _publish(key, value, default)
    return value


def _draw(knob_: Knob, default: Any, key: str) -> Any:
    """The widget itself; its value comes from session state, set by :func:`_start_value`."""
    if knob_.choices is not None:
        options = list(knob_.choices)
        if all(isinstance(o, (int, float)) and not isinstance(o, bool) for o in options):
            return st.select_slider(knob_.label, options=options, help=knob_.help, key=key, persist_state=PERSIST)
        return st.selectbox(knob_.label, options, help=knob_.help, key=key, format_func=knob_.show,
                            persist_state=PERSIST)
    if isinstance(default, bool):
        return st.toggle(knob_.label, help=knob_.help, key=key, persist_state=PERSIST)
    if isinstance(default, int) and knob_.high - knob_.low > NUMBER_INPUT_ABOVE:
        return int(st.number_input(knob_.label, int(knob_.low), int(knob_.high), help=knob_.help, key=key,
                                   persist_state=PERSIST))
    kind = type(default)
    step = kind(knob_.step) if knob_.step is not None else (1 if kind is int else None)
    return st.slider(knob_.label, kind(knob_.low), kind(knob_.high), step=step, help=knob_.help, key=key,
                     persist_state=PERSIST)


def input_settings(settings_type: type, names: list[str], key_prefix: str) -> dict[str, Any]:
    """Widgets for several fields, returned as keyword arguments for ``settings_type``."""
    return {name: input_knob(settings_type, name, key_prefix) for name in names}


def input_choice(label: str, options: Sequence[str], key: str, help: str, default: str | None = None,
                 radio: bool = False) -> str:
    """A pick-list that is not a model setting (which data to use), kept in the link like the knobs."""
    knob_ = Knob(label, help, choices=tuple(options))
    default = options[0] if default is None else default
    register(key, knob_, default)
    _start_value(knob_, default, key)
    if radio:
        value = st.radio(label, options, horizontal=True, help=help, key=key, persist_state=PERSIST)
    else:
        value = st.selectbox(label, options, help=help, key=key, persist_state=PERSIST)
    _publish(key, value, default)
    return value
