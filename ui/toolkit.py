"""The tinkerer's toolkit every training page shares: share the settings, read the run, see the code, compare.

``share_panel`` goes in the sidebar of each page, right after its settings;
``review_run`` closes the page once a model is trained. Everything they show
is computed in ``core`` (links and files in ``core.settings_io``, findings in
``core.diagnosis``, scripts in ``core.scripts``, runs in ``core.cache``).
"""

from __future__ import annotations

from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from core.cache import best_run, comparison_rows, run_labels, tied_with_best
from core.diagnosis import Run, all_clear, diagnose
from core.plots import plot_runs_overlay
from core.scripts import Script
from core.settings_io import MAX_SETTINGS_FILE_KB, parse_value, read_settings_file, settings_file
from core.uploads import RECEIVE_MB, limits_help
from ui.guide import next_page_link
from ui.session import model_cache
from ui.widgets import VALUES_STATE, link_notes, note_on_link, registered

NOTES_STATE = "shared_notes"  # page -> notes about a settings file just loaded
STREAMLIT_PARAMS = ("embed", "embed_options")  # Streamlit's own link options, never a setting


def share_panel(page: str) -> None:
    """Sidebar: the link to this page with its settings, and the settings as a file to save or load.

    Call it after the page's settings widgets, so the link and file hold them all.
    """
    _drop_unknown_link_settings(page)
    for note in link_notes(page):
        st.warning(note)
    notes = st.session_state.get(NOTES_STATE, {}).pop(page, [])
    with st.sidebar.expander("Share these settings", expanded=bool(notes)):
        for note in notes:
            st.warning(note)
        st.caption("The address bar always holds this page's settings: copy it (or this link) and anyone who "
                   "opens it gets the same settings, built-in data and seed.")
        st.code(_link(), language=None, wrap_lines=True)
        values = st.session_state.get(VALUES_STATE, {}).get(page, {})
        st.download_button("Save settings (JSON)", settings_file(page, values), file_name="sequence-lab-settings.json",
                           mime="application/json", key=f"{page}.settings_save",
                           help="A small file with every setting of this page, to load here later.")
        st.file_uploader(f"Load settings (JSON, at most {MAX_SETTINGS_FILE_KB} KB)", type=["json"],
                         max_upload_size=RECEIVE_MB, key=f"{page}.settings_load",
                         on_change=_load_settings_file, args=(page,),
                         help="A file saved with the button above. Its settings replace the current ones; a "
                              "value out of range is skipped with a note. "
                              + limits_help(MAX_SETTINGS_FILE_KB / 1024, "settings"))


def _link() -> str:
    """This page's address with its current settings (the browser's own URL, rebuilt server-side)."""
    base = (st.context.url or "").split("?")[0]
    query = urlencode(st.query_params.to_dict())
    return f"{base}?{query}" if query else base


def _drop_unknown_link_settings(page: str) -> None:
    """Names in the link that are no setting of this page: say so, and take them out of the link."""
    known = registered(page)
    for name in [n for n in st.query_params if n not in known and n not in STREAMLIT_PARAMS]:
        note_on_link(page, f"The link's setting **{name}** is not one this page has, so it was ignored.")
        del st.query_params[name]


def _load_settings_file(page: str) -> None:
    """Callback of the uploader: set every valid setting before the page draws its widgets."""
    upload = st.session_state.get(f"{page}.settings_load")
    if upload is None:
        return
    notes = st.session_state.setdefault(NOTES_STATE, {}).setdefault(page, [])
    try:
        values = read_settings_file(upload.getvalue(), f"'{upload.name}'", page)
    except ValueError as err:
        notes.append(str(err))
        return
    known = registered(page)
    for name, raw in values.items():
        if name not in known:
            notes.append(f"**{name}** is not a setting of this page; skipped.")
            continue
        knob_, default = known[name]
        try:
            st.session_state[f"{page}.{name}"] = parse_value(knob_, default, raw, name)
        except ValueError as err:
            notes.append(f"{err} Kept the current value.")


def review_run(page: str, run: Run, script: Script, compare_on: str = "") -> None:
    """The end of a training page: what happened, the code that does it, and this session's comparable runs.

    ``compare_on`` is the name the page gave ``train_or_reuse`` for what this run can be compared with.
    """
    st.header("What happened, and what next")
    show_diagnosis(run)
    show_code(script)
    compare_runs(page, compare_on)
    next_page_link(page)


def show_diagnosis(run: Run) -> None:
    """Each rule that fired on this run, as a warning (a problem) or a note (a hint)."""
    findings = diagnose(run)
    if not any(f.severity == "warning" for f in findings):
        st.success(all_clear(run))
    for finding in findings:
        (st.warning if finding.severity == "warning" else st.info)(finding.text())
    st.caption("Read from the training curves and scores above by simple rules; each sentence names the epoch "
               "or the numbers it is about.")


def show_code(script: Script) -> None:
    """The page's model as a script to read or run, with the data file it needs."""
    with st.expander("Show the code: this model in plain Keras"):
        st.caption("A script that trains this model with these settings using Keras, NumPy and pandas alone. "
                   "The data generators and model builders in it are the very functions this page runs.")
        st.code(script.text, language="python", line_numbers=True)
        left, right = st.columns(2)
        left.download_button(f"Download {script.filename}", script.text, script.filename, "text/x-python",
                             help="Save the script; run it with Python where Keras is installed.")
        if script.data is not None:
            right.download_button(f"Download {script.data_file}", script.data, script.data_file, "text/csv",
                                  help="The data the script reads; put it next to the script.")


def compare_runs(page: str, group: str = "") -> None:
    """This session's models of the page that can be compared with this one, side by side, ties shown as ties.

    Only runs of the same ``group`` (the same task and held-out data) share a
    table: a score on other data is not better or worse, only different.
    """
    entries = model_cache().entries(page, group)
    others = len(model_cache().entries(page)) - len(entries)
    elsewhere = (f" {others} other run{'s' * (others != 1)} on this page used other data or another task, so "
                 "they are not compared here." if others else "")
    if len(entries) < 2:
        st.caption("Train with other settings to compare runs here: each model you train stays in this session."
                   + elsewhere)
        return
    st.subheader("Your runs on this page")
    table = pd.DataFrame(comparison_rows(entries))
    st.dataframe(_marked(table, best_run(entries), tied_with_best(entries)), hide_index=True, width="stretch")
    st.caption(_comparison_caption(group, best_run(entries), tied_with_best(entries)) + elsewhere)
    labels = run_labels(entries)
    picked = st.multiselect("Overlay the curves of two runs", labels, default=labels[:2], max_selections=2,
                            key=f"{page}.overlay", help="Pick two runs to draw their curves on the same axes.")
    if len(picked) == 2:
        histories = {label: entries[labels.index(label)].result.history for label in picked}
        st.plotly_chart(plot_runs_overlay(histories))
        st.caption(f"{picked[0]} and {picked[1]}, one colour each: solid lines are validation, dotted are "
                   "training; the run whose solid loss line ends lower generalised better on its validation data.")


def _marked(table: pd.DataFrame, best: int | None, tied: list[int]) -> pd.io.formats.style.Styler:
    """The comparison table with numbers rounded for reading, the best run green and runs tied with it blue."""
    def colour(row: pd.Series) -> list[str]:
        shade = "#d4edda" if row.name == best else "#dbe9f6" if row.name in tied else ""
        return [f"background-color: {shade}" if shade else ""] * len(row)

    numbers = table.select_dtypes("number").columns
    return table.style.apply(colour, axis=1).format({name: "{:.3g}" for name in numbers})


def _comparison_caption(group: str, best: int | None, tied: list[int]) -> str:
    """What the table compares, and what its colours mean for these runs."""
    if best is not None:
        verdict = "Green marks the run whose main score beats every other past the noise."
    elif tied:
        verdict = (f"Blue marks {len(tied)} runs whose main score ties within the noise of the held-out data: "
                   "none of them is better.")
    else:
        verdict = "Their main scores are not measured alike, so none is marked best."
    same = f" ({group})" if group else ""
    return (f"One row per model trained on this page with the same task and data{same}, newest first; only the "
            f"settings that differ are shown, numbers to three significant digits. {verdict}")
