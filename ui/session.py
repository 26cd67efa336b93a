"""Access to this visitor's own state: the model cache lives in ``st.session_state``."""

from __future__ import annotations

import streamlit as st

from core.cache import ModelCache

CACHE_STATE_KEY = "trained_models"


def model_cache() -> ModelCache:
    """This session's model cache (never shared between visitors, unlike ``st.cache_resource``)."""
    return ModelCache(st.session_state.setdefault(CACHE_STATE_KEY, {}))
