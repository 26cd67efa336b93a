"""This visitor's own models (in ``st.session_state``) and the server's shared default models."""

from __future__ import annotations

import streamlit as st

from core.cache import ModelCache
from core.default_models import SharedResults

CACHE_STATE_KEY = "trained_models"


def model_cache() -> ModelCache:
    """This session's model cache (never shared between visitors, unlike ``st.cache_resource``)."""
    return ModelCache(st.session_state.setdefault(CACHE_STATE_KEY, {}))


@st.cache_resource
def shared_results() -> SharedResults:
    """The server's default models: one object for every visitor, holding only what may be shared."""
    return SharedResults()
