"""The sidebar line on this replica's queue, and the message for a visitor whose replica died."""

from __future__ import annotations

import streamlit as st

from core.admission import TRAININGS
from core.replicas import moved_from, moved_message, queue_line, this_replica
from ui.session import model_cache


def sidebar_queue_line() -> None:
    st.sidebar.caption(queue_line(this_replica(), TRAININGS.running, TRAININGS.waiting),
                       help="Each server trains one model at a time and queues the rest in order of arrival. "
                            "Behind a load balancer each replica has its own line.")


def say_if_moved_here() -> None:
    """Warn a visitor whose page reconnected here after its replica died, until they train something here."""
    old = moved_from(st.context.cookies, this_replica())
    if old and not model_cache().entries():
        st.warning(moved_message(old, this_replica()), icon=":material/sync_problem:")
