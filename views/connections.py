"""Connection types: what a sequence model can take in and give out, drawn, shaped and trained."""

import keras
import numpy as np
import pandas as pd
import streamlit as st

from core import connections as cx
from core import scripts
from core.cache import fingerprint
from core.diagnosis import run_of
from core.diagrams import plot_unrolled
from core.plots import plot_heatmap, plot_history, plot_prediction_vs_truth, plot_score_by_length
from core.uploads import TYPED_MAX_CHARS
from ui.toolkit import review_run, share_panel
from ui.training import train_or_reuse
from ui.widgets import input_knob, input_settings

PAGE = "Connection types"
MAX_DRAWN_STEPS = 10
BEAM_WIDTH = 3
STORIES = {
    "one_to_one": "One input, one output, no time axis: **a plain feed-forward network is enough**. "
                  "Toy task: is the point (x, y) inside the unit circle?",
    "one_to_many": "One input, a whole sequence out, like a caption from one image (the "
                   "[Image captioning](captioning) page trains one). Here the input is copied to every step. "
                   "Toy task: from a phase, continue the sine wave.",
    "many_to_one": "A sequence in, one answer out, like the sentiment of a review: only the "
                   "**last hidden state** feeds the output. Toy task: more good words than bad ones?",
    "many_to_many": "A sequence in and **one output per step**, aligned, like tagging each word. "
                    "Toy task: is this digit a new running maximum?",
    "encoder_decoder": "A sequence in, a sequence of **another length** out, like translation. The "
                       "encoder squeezes the input into its final state; the decoder unrolls from "
                       "it, feeding back its own last word (\"go\" starts it). Toy task: spell a number in words.",
}

st.title(PAGE)
st.markdown("What can a sequence model take in and give out? Pick a pattern, look at its "
            "unrolled picture and tensor shapes, then train it on a toy task and try it.")

pattern = input_knob(cx.ConnectionSettings, "pattern", PAGE)
st.markdown(STORIES[pattern])

with st.expander("Model and training settings", expanded=True):
    left, middle, right = st.columns(3)
    with left:
        model_knobs = input_settings(cx.ConnectionSettings, ["cell", "units", "sequence_length"], PAGE)
    with middle:
        data_knobs = input_settings(cx.ConnectionSettings, ["num_examples", "epochs", "batch_size"], PAGE)
    with right:
        fit_knobs = input_settings(cx.ConnectionSettings, ["learning_rate", "seed"], PAGE)
        if pattern == "encoder_decoder":
            fit_knobs |= input_settings(cx.ConnectionSettings, ["digits", "attention"], PAGE)
settings = cx.ConnectionSettings(pattern=pattern, **model_knobs, **data_knobs, **fit_knobs)

st.subheader("Unrolled over time")
is_words_task = pattern == "encoder_decoder"
drawn = ((settings.digits, cx.words_for(settings.digits)) if is_words_task
         else (min(settings.sequence_length, MAX_DRAWN_STEPS), None))
st.plotly_chart(plot_unrolled(pattern, *drawn))
st.caption("Follow the arrows from inputs (bottom) through hidden states (middle) to outputs (top); "
           "arrows of one colour are one weight matrix, reused at every step."
           + (f" Drawn for {MAX_DRAWN_STEPS} of the {settings.sequence_length} steps."
              if settings.sequence_length > MAX_DRAWN_STEPS and not is_words_task else ""))

st.subheader("The Keras model and its tensor shapes")
shape_length = settings.digits if is_words_task else settings.sequence_length
model_preview = cx.build_model(settings)
st.dataframe(cx.layer_table(model_preview, settings.batch_size, shape_length), hide_index=True)
st.caption(f"Shapes for one batch of {settings.batch_size} examples: (batch, time steps, features). "
           f"{model_preview.count_params():,} weights in all, shared by every time step.")

share_panel(PAGE)

st.subheader("Train it")
task = cx.make_task(settings, settings.seed)
result = train_or_reuse(
    PAGE, settings, fingerprint(task.x, task.y),
    run=lambda on_epoch_end: cx.fit_pattern(settings, task, on_epoch_end),
    summary=f"{cx.PATTERN_TITLES[pattern]} · {settings.cell} {settings.units}", public_data=True,
    compare_on=cx.task_name(settings),
)
if result is None:
    st.stop()

st.plotly_chart(plot_history(result.history, settings.epochs))
st.caption("Loss should fall for both curves; if validation rises while training falls, the model memorises.")
score_name, score = next(iter(result.scores.items()))
st.metric(f"Held-out {score_name}", f"{score:.3f}" if score_name == "mean abs error" else f"{score:.1%}",
          help="Measured on fresh examples the model never trained on"
               + (" (numbers it never saw)." if is_words_task else "."))
st.caption(f"Trained {result.epochs_run} epochs in {result.seconds:.1f} s.")

def show_spelling(model: keras.Model, settings: cx.ConnectionSettings, spelling: cx.ConnectionResult) -> None:
    """The encoder–decoder at work on a typed number: greedy and beam decoding, where it looked, and by length."""
    typed = st.text_input(f"A number from 0 to {10**settings.digits - 1:,}", "342", max_chars=TYPED_MAX_CHARS,
                          key=f"{PAGE}.number", help="The encoder reads its digits; the decoder writes words one "
                                                     "at a time.")
    try:
        number = cx.parse_number(typed, settings.digits)
    except ValueError as err:
        st.error(str(err))
        return
    steps = cx.greedy_decode(model, [number])[0]
    beam = cx.beam_decode(model, number, BEAM_WIDTH)
    st.write(f"Model: **{cx.decoded_text(steps)}** (greedy) · **{cx.spelled(beam.sequences[0].tokens)}** (beam "
             f"search, {BEAM_WIDTH} kept) · truth: *{cx.spell_number(number)}*")
    left, right = st.columns(2)
    left.dataframe(pd.DataFrame({"step": [s.step for s in steps], "word": [s.word for s in steps],
                                 "probability": [round(s.probability, 3) for s in steps],
                                 "runners-up": [", ".join(f"{w} {p:.2f}" for w, p in s.candidates[1:])
                                                for s in steps]}), hide_index=True)
    left.caption("Greedy decoding: each row is one step, the word chosen given the words before it, its "
                 "probability, and the words it beat.")
    right.dataframe(pd.DataFrame({"spelling": [cx.spelled(d.tokens) for d in beam.sequences],
                                  "probability": [round(d.probability, 3) for d in beam.sequences]}),
                    hide_index=True)
    right.caption(cx.beam_story(beam, steps))
    weights = cx.attention_weights(model, number, steps)
    if weights is not None:
        st.plotly_chart(plot_heatmap(weights.tolist(), [f"{i}·{d}" for i, d in enumerate(str(number), start=1)],
                                     [f"{s.step}·{s.word}" for s in steps], zmid=None))
        st.caption(cx.attention_story(weights, steps, number))
    by_digits = {"this model": spelling.accuracy_by_length}
    if spelling.without_attention is not None:
        by_digits = {"with attention": spelling.accuracy_by_length, "without attention": spelling.without_attention}
    st.plotly_chart(plot_score_by_length(by_digits, score_name="exact match", length_name="digits"))
    st.caption(cx.digits_story(spelling))


st.subheader("Try it")
model = result.model
if pattern == "one_to_one":
    a, b = st.columns(2)
    x = a.number_input("x", -1.5, 1.5, 0.5, step=0.1, help="Horizontal position of the point.")
    y = b.number_input("y", -1.5, 1.5, 0.5, step=0.1, help="Vertical position of the point.")
    p_inside = cx.inside_probability(model, x, y)
    truth = "inside" if x * x + y * y < 1 else "outside"
    st.write(f"The model says **{p_inside:.0%}** chance the point is inside; it is really **{truth}**.")
elif pattern == "one_to_many":
    phase = st.slider("Starting phase (radians)", 0.0, 6.28, 1.0, 0.01,
                      help="Where on the wave to start. The model gets only this one number.")
    truth_wave = cx.wave_after(np.array([phase], dtype="float32"), settings.sequence_length)
    st.plotly_chart(plot_prediction_vs_truth(truth_wave[0, :, 0].tolist(), cx.continue_wave(model, phase).tolist()))
    st.caption("One input produced every point of the dashed line; the closer to the solid line, the better.")
elif pattern == "many_to_one":
    review = st.text_input("Write a review", "the plot was boring but the acting was brilliant and fun",
                           help="Words the model knows: " + ", ".join(cx.REVIEW_VOCAB[2:]))
    ids, unknown = cx.review_ids(review)
    if ids.size == 0:
        st.warning("Type at least one word.")
    else:
        p_positive = cx.positive_probability(model, ids)
        st.write(f"**{p_positive:.0%}** positive.")
        if unknown:
            st.caption(f"Words the model never saw, read as unknown: {', '.join(unknown)}.")
    st.markdown("**Any length?** The same weights read reviews longer than any it trained on:")
    st.plotly_chart(plot_score_by_length({settings.cell: result.details.accuracy_by_length},
                                         settings.sequence_length))
    st.caption("Accuracy on fresh reviews of each length; a flat line means length does not matter to it.")
elif pattern == "many_to_many":
    typed = st.text_input("Digits", "3 1 4 1 5 9 2 6 5 3",
                          help="Single digits 0-9; the model tags each one that beats all before it.")
    try:
        digits = cx.parse_digits(typed)
    except ValueError as err:
        st.error(str(err))
    else:
        flags = cx.new_maximum_probabilities(model, digits)
        st.dataframe(pd.DataFrame({"digit": digits, "model: new max?": flags.round(2),
                                   "truth": cx.new_maximum_flags(digits).astype(int)}).T)
else:
    show_spelling(model, settings, result.details)

review_run(PAGE, run_of(result, held_out=cx.held_out(result)), scripts.connections_script(settings),
           cx.task_name(settings))
