"""The guided first visit, drawn: the path on the home page, and on every page a "Try this" box and the
next page on the path, in the sidebar (always there, even before a page has trained anything)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from core.catalogue import PAGES
from core.guide import TRY_THIS, WHY, next_page


def first_visit_path() -> None:
    """Home: the pages in the order a newcomer should open them, each with why it comes there."""
    st.header("Your first visit")
    st.markdown("Follow this path; every page has a **Try this** box in the sidebar with experiments to run "
                "and what to look for.")
    for number, page in enumerate(PAGES, start=1):
        left, right = st.columns([1, 3])
        with left:
            st.page_link(page.path, label=f"{number}. {page.title}", icon=page.icon)
        right.markdown(WHY.get(page.path, page.blurb))


def guide_sidebar(title: str) -> None:
    """The sidebar's "Try this" box for the page titled ``title``, and the link to the next page."""
    page = next((p for p in PAGES if p.title == title), None)
    if page is None:
        return
    experiments = TRY_THIS.get(page.path, ())
    if experiments:
        with st.sidebar.expander("Try this", expanded=True, icon=":material/science:"):
            for index, experiment in enumerate(experiments):
                st.markdown(f"**{experiment.title}**  \nExpect: {experiment.expect}  \nWhy: {experiment.why}")
                st.button("Set these settings", key=f"{title}.try.{index}", on_click=_set,
                          args=(experiment.widget_values(title),),
                          help="Changes this page's settings to the experiment's; then press Train. Models "
                               "you already trained stay in the list of trained models.")
    following = next_page(page.path)
    if following is not None:
        st.sidebar.page_link(following.path, label=f"Next: {following.title}", icon=":material/arrow_forward:",
                             help=WHY.get(following.path, following.blurb))


def _set(values: dict[str, Any]) -> None:
    """The button's callback: runs before the rerun, so the page's widgets draw with the new values."""
    for key, value in values.items():
        st.session_state[key] = value
