"""Beyond recurrence: SimpleRNN, LSTM, GRU, a TCN and a small Transformer trained side by side on the same task."""

import pandas as pd
import streamlit as st

from core import beyond as by
from core import scripts
from core.cache import fingerprint
from core.diagnosis import run_of
from core.plots import plot_heatmap, plot_history, plot_score_by_length
from ui.guide import stop_before_results
from ui.toolkit import review_run, share_panel
from ui.training import train_or_reuse
from ui.widgets import input_settings

PAGE = "Beyond recurrence"
TIMES_STATE = "beyond_epoch_seconds"  # settings -> measured seconds per epoch, kept for the visitor's session

st.title(PAGE)
st.markdown("Recurrent cells read a sequence one step after another. Two other families read all its steps at "
            "once: a **temporal convolutional network** (TCN: stacked causal convolutions, each level looking "
            "twice as far back) and a **Transformer** (self-attention: every step looks at every step). Train "
            "all five on the same sequences and see where each one wins, what each costs, and why.")
st.caption("A page of its own rather than a section of RNN internals: that page opens up one recurrent cell; this "
           "one sets whole model families against each other on tasks of your choosing, with their own settings, "
           "training and comparison.")

with st.expander("Task, models and training", expanded=True):
    left, middle, right = st.columns(3)
    with left:
        knobs = input_settings(by.BeyondSettings, ["task", "longest", "noise"], PAGE)
    with middle:
        knobs |= input_settings(by.BeyondSettings, ["units", "tcn_levels", "kernel_size", "num_examples"], PAGE)
    with right:
        knobs |= input_settings(by.BeyondSettings, ["epochs", "batch_size", "learning_rate", "seed"], PAGE)
settings = by.BeyondSettings(**knobs)
lengths = by.task_lengths(settings.longest)

st.header("1 · The task and the five models")
if settings.task == "recall":
    st.markdown(f"The first step of each sequence shows one of {by.CLASSES} keys; noise follows; at the last step "
                "the model must name the key. **Long memory**: the answer lies as far back as the sequence is long.")
else:
    st.markdown(f"Random symbols, with the pattern **{' '.join(map(str, by.MOTIF))}** planted 0 to "
                f"{by.MOST_MOTIFS} times; the model must say how many times. **A local pattern**, three steps "
                "wide, that can turn up anywhere.")
st.markdown(f"Sequences of length {', '.join(map(str, lengths))}, mixed, left-padded with zeros. Every model "
            "answers from its last step: the recurrent cells from their final state, the TCN from its last "
            "output, the Transformer from the last step's attention over all steps.")
field = by.receptive_field(by.model_of("TCN", settings))
st.plotly_chart(by.plot_receptive_field(settings.tcn_levels, settings.kernel_size, settings.longest))
reach = ("covers the longest sequence" if field >= settings.longest
         else f"is shorter than the longest sequence ({settings.longest}): what lies further back is out of its sight")
dilations = [2**level for level in range(settings.tcn_levels)]
summed = " + ".join(map(str, dilations)) if len(dilations) <= 4 else f"1 + 2 + … + {dilations[-1]}"
st.caption(f"The TCN's receptive field, read from its layers: its last output sees **{field} steps** "
           f"(1 + ({settings.kernel_size} − 1) × ({summed})), which {reach}. "
           "Each dot is a step that reaches the last output through the level above it.")

share_panel(PAGE)
compare_on = f"{by.TASK_NAMES[settings.task]}, up to length {settings.longest}" + (
    f", noise {settings.noise:g}" if settings.task == "recall" else "")
result = train_or_reuse(
    PAGE, settings, fingerprint(*by.training_data(settings)),
    run=lambda on_epoch_end: by.compare_families(settings, on_epoch_end),
    summary=f"5 families × width {settings.units}, {settings.task} up to {settings.longest}",
    models=len(by.FAMILIES), public_data=True, compare_on=compare_on,
)
if result is None:
    stop_before_results(PAGE)

details = result.details
st.header("2 · Who answers right, at which length")
st.plotly_chart(plot_score_by_length(details.accuracy))
st.caption(by.accuracy_story(details, settings.longest))
for said in by.verdicts(details, settings.longest):
    st.markdown(said.sentence)
st.dataframe(pd.DataFrame({
    "parameters (by hand)": {family: by.parameter_count(family, settings) for family in by.FAMILIES},
    "parameters (Keras)": details.parameters,
    "training seconds": {family: round(seconds, 1) for family, seconds in details.seconds.items()},
    f"accuracy at length {settings.longest}": {f: f"{s[settings.longest]:.0%}" for f, s in details.accuracy.items()},
}))
st.caption(f"Each model's weights, counted from its equations and by Keras, and its training time "
           f"({result.seconds:.1f} s for all five, on this server as loaded right now).")
family = st.radio("Training curves of", by.FAMILIES, horizontal=True, index=len(by.FAMILIES) - 1,
                  key=f"{PAGE}.curves", help="Which model's loss and accuracy to show.")
st.plotly_chart(plot_history(details.histories[family], settings.epochs))
st.caption(f"{family}: validation accuracy {details.histories[family]['val_accuracy'][-1]:.0%} after the last "
           "epoch. A curve stuck near chance never found the answer.")

st.header("3 · The TCN inside and beyond its receptive field")
st.markdown(by.receptive_field_story(details, settings.task))

st.header("4 · Where the Transformer looks")
example = details.attention
steps = [f"{t + 1}{' ★' if marked else ''}" for t, marked in enumerate(example.marked)]
st.plotly_chart(plot_heatmap(example.weights.tolist(), steps, [f"head {h + 1}" for h in range(len(example.weights))],
                             zmid=None))
st.caption("The attention of the last step over every step of one fresh sequence of the longest length (each row "
           f"sums to one; ★ marks the steps that hold the answer). {by.attention_story(example, settings.task)}")

st.header("5 · Time per epoch as sequences grow")
measured = st.session_state.setdefault(TIMES_STATE, {})
timing_lengths = by.timing_lengths(settings.longest)
if st.button("Measure time per epoch", key=f"{PAGE}.measure",
             help=f"Times one training epoch of each family at lengths {', '.join(map(str, timing_lengths))} "
                  "(a few batches each, after one to compile). Takes a while on a busy server."):
    with st.spinner("Timing each family at each length…"):
        measured[settings] = by.epoch_seconds(settings, timing_lengths)
if settings in measured:
    times = measured[settings]
    st.plotly_chart(by.plot_epoch_seconds(times))
    st.caption(f"Seconds per epoch of {by.trained_on(settings):,} training sequences, on this server as loaded when "
               "measured. "
               f"{by.timing_story(times)}")

review_run(PAGE, run_of(result, details.histories, held_out=by.held_out(details, settings.longest)),
           scripts.beyond_script(settings), compare_on)
