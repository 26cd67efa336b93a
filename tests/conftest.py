"""Shared fixtures: every test starts with empty Streamlit caches, so none leaks into another.

``core`` is imported before any test module can import Keras, so the tests run
on the project's Keras backend (``KERAS_BACKEND`` still overrides it).
"""

import pytest
import streamlit as st

import core  # noqa: F401


@pytest.fixture(autouse=True)
def clear_streamlit_caches():
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
