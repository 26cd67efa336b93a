"""Settings as text: values for a link's query string or a small JSON file, and back.

A shared link is typed input from a stranger, so every value read back goes
through the knob's own type and bounds; anything else is refused with a
sentence the page shows (and the default is kept). Nothing here knows about
Streamlit: the page helper moves these strings in and out of ``st.query_params``.
"""

from __future__ import annotations

import json
import math
from typing import Any

from core.settings import Knob, check_value
from core.uploads import decode_upload, parse_json

MAX_SETTINGS_FILE_KB = 64
TRUE_WORDS, FALSE_WORDS = ("true", "1", "yes", "on"), ("false", "0", "no", "off")


def to_text(value: Any) -> str:
    """How a setting is written in a link: ``true``/``false`` for switches, six digits for fractions.

    Six significant digits drop a slider's float noise (0.15000000000000002)
    without losing any value a widget can produce.
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return format(value, ".6g")
    return str(value)


def parse_value(knob_: Knob, default: Any, raw: Any, name: str) -> Any:
    """``raw`` (a link's text, or a JSON value) as a value of this knob; ValueError saying why not.

    The default's type decides how to read it; a pick-list matches the text of
    each choice, so ``0.01`` in a link finds the choice 0.01.
    """
    if knob_.choices is not None:
        for choice in knob_.choices:
            if to_text(choice) == to_text(raw).strip() or choice == raw:
                return choice
        options = ", ".join(to_text(c) for c in knob_.choices)
        raise ValueError(f"{knob_.label} ('{name}') must be one of {options}; got {raw!r}.")
    value = _typed(default, raw, knob_, name)
    check_value(knob_, name, value)
    return value


def _typed(default: Any, raw: Any, knob_: Knob, name: str) -> Any:
    text = to_text(raw).strip().lower()
    if isinstance(default, bool):
        if text in TRUE_WORDS + FALSE_WORDS:
            return text in TRUE_WORDS
        raise ValueError(f"{knob_.label} ('{name}') must be true or false; got {raw!r}.")
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"{knob_.label} ('{name}') must be a number; got {raw!r}.") from None
    if not math.isfinite(number):
        raise ValueError(f"{knob_.label} ('{name}') must be a finite number; got {raw!r}.")
    if isinstance(default, int):
        if not number.is_integer():
            raise ValueError(f"{knob_.label} ('{name}') must be a whole number; got {raw!r}.")
        return int(number)
    return number


def settings_file(page: str, values: dict[str, Any]) -> str:
    """The JSON a visitor downloads: the page it belongs to and every setting by its link name."""
    return json.dumps({"page": page, "settings": values}, indent=2, default=to_text) + "\n"


def read_settings_file(data: bytes, name: str, page: str) -> dict[str, Any]:
    """The settings of an uploaded JSON file made by :func:`settings_file`; ValueError saying why not.

    A file saved on another page is refused by name, since its settings would
    mean nothing here.
    """
    text = decode_upload(data, name, MAX_SETTINGS_FILE_KB / 1024, "a settings file saved from this page")
    try:
        content = parse_json(text, name)
    except json.JSONDecodeError as err:
        raise ValueError(f"{name} is not a settings file: it is not valid JSON "
                         f"({err.msg}, line {err.lineno}).") from None
    if not isinstance(content, dict) or not isinstance(content.get("settings"), dict):
        raise ValueError(f"{name} is not a settings file: it has no \"settings\" section.")
    if content.get("page") != page:
        raise ValueError(f"{name} holds settings of the page '{content.get('page')}', not of '{page}'. "
                         "Open that page to load it.")
    return content["settings"]
