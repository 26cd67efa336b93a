"""Shared fixtures: every test starts with empty Streamlit caches, so none leaks into another."""

import pytest
import streamlit as st


@pytest.fixture(autouse=True)
def clear_streamlit_caches():
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
