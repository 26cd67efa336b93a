"""How a page turns a ``core`` refusal into a message in the page."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import streamlit as st

T = TypeVar("T")


def or_stop(compute: Callable[[], T]) -> T:
    """What ``compute`` returns; if ``core`` refuses with a ValueError, its message in the page, and the page
    stops there (everything drawn above stays, and so does every model the visitor trained)."""
    try:
        return compute()
    except ValueError as err:
        st.error(str(err))
        st.stop()
