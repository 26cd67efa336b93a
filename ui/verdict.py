"""How a page shows a verdict (core.verdicts): who won as the heading, by how much and how sure right under it."""

from __future__ import annotations

import streamlit as st

from core.verdicts import Verdict


def show_verdict(verdict: Verdict) -> None:
    """The headline as a subheader and its detail as text: a heading of three sentences was hard to read."""
    st.subheader(verdict.headline)
    st.markdown(verdict.detail)
