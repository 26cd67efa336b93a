"""The sidebar list of this session's trained models."""

from __future__ import annotations

import time

import streamlit as st

from core.cache import describe_age
from ui.session import model_cache


def megabytes(size_bytes: int) -> str:
    """MB with a decimal below 10 and "< 0.1" below that, so a small model never reads "0 MB"."""
    mb = size_bytes / 2**20
    return "< 0.1" if mb < 0.1 else f"{mb:.1f}" if mb < 10 else f"{mb:.0f}"


def sidebar_model_panel() -> None:
    """List every model trained this session, with buttons to delete one or all."""
    cache = model_cache()
    entries = cache.entries()
    used = f", {megabytes(cache.size_bytes)} of {megabytes(cache.max_bytes)} MB" if cache.size_bytes else ""
    with st.sidebar.expander(f"Trained models ({len(entries)} of {cache.max_models}{used})"):
        if not entries:
            st.caption("Models you train appear here, so coming back to a page never retrains them. The "
                       "oldest is forgotten when the list is full.")
            return
        for entry in entries:
            score = ", ".join(f"{k} {v:.3g}" for k, v in list(entry.result.scores.items())[:2])
            left, right = st.columns([5, 1])
            origin = "shared default" if entry.shared else describe_age(time.time() - entry.created)
            left.markdown(f"**{entry.page}** · {entry.summary}  \n{score} · {origin}")
            right.button("✕", key=f"delete-{entry.key}", help="Forget this model",
                         on_click=cache.delete, args=(entry.key,))
        st.button("Forget all models", on_click=cache.clear, width="stretch")
