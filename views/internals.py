"""RNN internals: the forward pass by hand, backpropagation through time, and what gates change."""

import numpy as np
import pandas as pd
import streamlit as st

from core import internals as rnn
from core import scripts
from core.cache import fingerprint
from core.diagnosis import run_of
from core.plots import plot_bars, plot_gradient_norms, plot_heatmap, plot_history, plot_score_by_length
from ui.guide import stop_before_results
from ui.toolkit import review_run, share_panel
from ui.training import train_or_reuse
from ui.widgets import input_settings

PAGE = "RNN internals"

st.title(PAGE)
st.markdown("Open the box. Every number here is computed, and the hand-written recurrence is checked "
            "against the one Keras runs.")

# ------------------------------------------------------------------ forward pass
st.header("1 · The forward pass, step by step")
# One equation per line: side by side they are wider than a phone, and a sideways-scrolling formula cannot be
# reached with the keyboard (axe: scrollable-region-focusable).
st.latex(r"h_t = \tanh(W_{xh}\,x_t + W_{hh}\,h_{t-1} + b)")
st.latex(r"y_t = \mathrm{softmax}(W_{hy}\,h_t + b_y)")
text = st.text_input("Input sequence", "the cat sat on the mat",
                     help="Words become one-hot vectors (one position per distinct word); numbers such as "
                          "'0.5 1 -2' are fed as they are, one per step.")
left, right = st.columns(2)
with left:
    forward_knobs = input_settings(rnn.ForwardSettings, ["hidden_size", "weight_scale"], f"{PAGE}.forward")
with right:
    forward_knobs |= input_settings(rnn.ForwardSettings, ["activation", "seed"], f"{PAGE}.forward")
forward_settings = rnn.ForwardSettings(**forward_knobs)

try:
    sequence = rnn.encode_sequence(text)
except ValueError as err:
    st.error(str(err))
    sequence = None

if sequence is not None:
    weights = rnn.init_weights(sequence.xs.shape[1], forward_settings.hidden_size, len(sequence.output_names),
                               forward_settings.weight_scale, forward_settings.seed)
    steps = rnn.forward(weights, sequence.xs, forward_settings.activation)
    t = st.slider("Step t", 1, len(steps), 1, help="Which step of the sequence to open up.",
                  key=f"{PAGE}.step") if len(steps) > 1 else 1
    step = steps[t - 1]
    st.markdown(f"**Step {t}**, input *{sequence.tokens[t - 1]}*: each row is one hidden unit.")
    st.dataframe(pd.DataFrame({
        "W_xh x_t": step.input_part, "W_hh h_(t-1)": step.recurrent_part, "b": weights.b,
        "sum (pre-activation)": step.pre_activation, f"h_t = {forward_settings.activation}(sum)": step.h,
    }, index=[f"unit {i + 1}" for i in range(forward_settings.hidden_size)]).round(4))
    st.caption("Read left to right: the input's share plus the memory's share plus the bias, squashed, "
               "is the new hidden state.")
    hidden = np.array([s.h for s in steps]).T  # (hidden, T)
    st.plotly_chart(plot_heatmap(hidden.tolist(), [f"{i + 1}·{w}" for i, w in enumerate(sequence.tokens)],
                                 [f"unit {i + 1}" for i in range(forward_settings.hidden_size)],
                                 highlight_column=t - 1))
    st.caption("All hidden states over time (outlined: step t). Each column depends on the one before it.")
    st.plotly_chart(plot_bars(list(sequence.output_names), step.y.tolist()))
    st.caption(f"y_{t}: the output distribution at step {t}. The weights are random, so it is a guess "
               "the model would learn to sharpen.")
    difference = rnn.largest_difference_from_keras(weights, steps, sequence.xs, forward_settings.activation)
    st.success(f"Keras's SimpleRNN with these weights gives the same hidden states: largest difference "
               f"{difference:.1e}.")

# ------------------------------------------------------------------ BPTT
st.header("2 · Backpropagation through time")
st.markdown("Put a loss on the last step and send its gradient back. Each step back multiplies it by the "
            "same matrix, $W_{hh}^\\top$ times the activation's slope, so it shrinks or grows geometrically.")
st.latex(r"\frac{\partial L}{\partial h_{t-1}} = W_{hh}^\top\left(f'(a_t)\odot\frac{\partial L}{\partial h_t}\right)")
columns = st.columns(3)
with columns[0]:
    gradient_knobs = input_settings(rnn.GradientSettings, ["spectral_radius", "activation"], f"{PAGE}.bptt")
with columns[1]:
    gradient_knobs |= input_settings(rnn.GradientSettings, ["steps", "hidden_size", "seed"], f"{PAGE}.bptt")
with columns[2]:
    gradient_knobs |= input_settings(rnn.GradientSettings, ["clip_norm", "truncation"], f"{PAGE}.bptt")
gradient_settings = rnn.GradientSettings(**gradient_knobs)
full, chosen = rnn.gradient_norm_curve(gradient_settings)
variant = " and ".join(name for name, on in (
    (f"clipped at {gradient_settings.clip_norm:g}", gradient_settings.clip_norm > 0),
    (f"truncated after {gradient_settings.truncation} steps", gradient_settings.truncation > 0)) if on) or None
st.plotly_chart(plot_gradient_norms(full.tolist(), chosen.tolist(), variant))
st.caption("Read from right to left: how much of the last step's error signal reaches each earlier step "
           "(log scale; a straight line is geometric decay or growth).")
fate = rnn.gradient_fate(full)
st.markdown(f"Back at step 1 the gradient is **{fate.ratio:.1e}×** its size at step {gradient_settings.steps}: "
            f"it **{fate.fate}**.")

# ------------------------------------------------------------------ gates
st.header("3 · What gates change")
st.markdown(f"A task that needs long memory: the first step shows one of {rnn.MEMORY_KEYS} keys, then "
            "noise follows; at the end the model must name the key. SimpleRNN, LSTM and GRU each train on "
            f"sequences of length {', '.join(map(str, rnn.MEMORY_LENGTHS))}, mixed.")
with st.expander("Comparison settings"):
    left, right = st.columns(2)
    with left:
        memory_knobs = input_settings(rnn.MemorySettings, ["units", "noise", "num_examples"], f"{PAGE}.gates")
    with right:
        memory_knobs |= input_settings(rnn.MemorySettings, ["epochs", "batch_size", "learning_rate", "seed"],
                                       f"{PAGE}.gates")
memory_settings = rnn.MemorySettings(**memory_knobs)
share_panel(PAGE)
compare_on = f"the recall task with noise {memory_settings.noise:g}"
result = train_or_reuse(
    PAGE, memory_settings, fingerprint(*rnn.memory_training_data(memory_settings)),
    run=lambda on_epoch_end: rnn.compare_cells(memory_settings, on_epoch_end),
    summary=f"3 cells × {memory_settings.units} units, noise {memory_settings.noise:g}",
    models=len(rnn.MEMORY_CELLS), public_data=True, compare_on=compare_on,
)
if result is None:
    stop_before_results(PAGE)

memory = result.details
accuracy = memory.accuracy
st.plotly_chart(plot_score_by_length(accuracy))
st.caption(rnn.memory_story(memory))
st.caption(f"Trained 3 models in {result.seconds:.1f} s.")
cell = st.radio("Training curves of", rnn.MEMORY_CELLS, horizontal=True, index=1,
                help="Which cell's loss and accuracy to show.")
st.plotly_chart(plot_history(memory.histories[cell], memory_settings.epochs))
st.caption("If the validation accuracy stalls near chance, that cell never found the key.")

gates, key = memory.gates.gates, memory.gates.key
st.subheader("Inside the trained LSTM")
st.markdown(f"One fresh sequence of length {max(rnn.MEMORY_LENGTHS)} whose key is **{key + 1}**. Gates are "
            "between 0 (closed) and 1 (open).")
gate = st.radio("Gate", ["forget", "input", "output"], horizontal=True,
                help="Forget: how much of the old memory is kept. Input: how much new input is written. "
                     "Output: how much of the memory is shown as h_t.")
step_labels = [str(i + 1) for i in range(max(rnn.MEMORY_LENGTHS))]
st.plotly_chart(plot_heatmap(gates[gate].T.tolist(), step_labels,
                             [f"unit {i + 1}" for i in range(memory_settings.units)],
                             zmid=None))
st.caption(rnn.gate_story(memory.gates, gate))

review_run(PAGE, run_of(result, memory.histories, held_out=rnn.held_out(memory)),
           scripts.memory_script(memory_settings), compare_on)
