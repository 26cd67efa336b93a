"""Sequence Lab's entry point: page config, Keras kept safe from Streamlit's cleanup, the shared sidebar
(trained models, the guide), and the navigation. Nothing else."""

import streamlit as st

from core.catalogue import HOME, sections
from ui.guide import guide_sidebar
from ui.keras_state import keep_keras_state_between_runs
from ui.model_panel import sidebar_model_panel
from ui.replica import say_if_moved_here, sidebar_queue_line

st.set_page_config(page_title="Sequence Lab", page_icon=":material/timeline:", layout="wide")
keep_keras_state_between_runs()

navigation = st.navigation({
    section: [st.Page(p.path, title=p.title, icon=p.icon, default=p is HOME) for p in pages]
    for section, pages in sections().items()
})
sidebar_model_panel()
guide_sidebar(navigation.title)
sidebar_queue_line()
say_if_moved_here()
navigation.run()
