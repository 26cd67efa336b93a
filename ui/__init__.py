"""Streamlit helpers shared by the pages: knob widgets, the train-or-reuse flow, the model panel.

This is the one place besides ``views/`` and ``app.py`` that imports Streamlit.
It exists so that pages do not copy each other's UI code; all computing stays in ``core``.
"""
