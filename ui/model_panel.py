"""The sidebar list of this session's trained models, and a page's side-by-side table."""

from __future__ import annotations

import time

import streamlit as st

from core.cache import comparison_rows, describe_age
from ui.session import model_cache


def sidebar_model_panel() -> None:
    """List every model trained this session, with buttons to delete one or all."""
    cache = model_cache()
    entries = cache.entries()
    with st.sidebar.expander(f"Trained models ({len(entries)} of {cache.max_models})"):
        if not entries:
            st.caption("Models you train appear here, so coming back to a page never retrains them.")
            return
        for entry in entries:
            score = ", ".join(f"{k} {v:.3g}" for k, v in list(entry.result.scores.items())[:2])
            left, right = st.columns([5, 1])
            left.markdown(f"**{entry.page}** · {entry.summary}  \n{score} · "
                          f"{describe_age(time.time() - entry.created)}")
            right.button("✕", key=f"delete-{entry.key}", help="Forget this model",
                         on_click=cache.delete, args=(entry.key,))
        st.button("Forget all models", on_click=cache.clear, width="stretch")


def page_runs_table(page: str) -> None:
    """The models trained on ``page`` side by side, once there are at least two."""
    entries = model_cache().entries(page)
    if len(entries) < 2:
        return
    st.subheader("Your runs on this page")
    st.caption("Only the settings that differ between runs are shown; newest first.")
    st.dataframe(comparison_rows(entries), hide_index=True, width="stretch")

