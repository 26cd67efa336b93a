"""Beyond recurrence: SimpleRNN, LSTM, GRU, a temporal convolutional network and a small Transformer encoder,
trained side by side on the same sequences.

Two tasks pull in opposite directions. *Recall* (the RNN internals page's
task) needs one step remembered across the whole sequence; *motif counting*
needs a short pattern found wherever it occurs. Every model reads the same
left-padded tensor and answers from its last step, so what a model can see
from there decides what it can do: a recurrent cell whatever its state kept,
the TCN only its receptive field (computed from its layers), the Transformer
every step at once through attention. The time each needs per epoch as the
sequence grows shows what processing steps in parallel buys.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import keras
import numpy as np
import plotly.graph_objects as go
from keras import ops

from core.diagnosis import HeldOut
from core.internals import MEMORY_KEYS, recall_task
from core.palette import NEUTRAL, SERIES, series_style, translucent
from core.recurrent import CELLS, recurrent_stack
from core.settings import batch_size_knob, epochs_knob, knob, learning_rate_knob
from core.training import EpochFn, TrainingSettings, TrainResult, predict, set_seed, tell, train
from core.verdicts import Verdict, compare, verdict

TASKS = ("recall", "motif")
TASK_NAMES = {"recall": "Recall a key through noise", "motif": "Count a motif"}
FAMILIES = (*CELLS, "TCN", "Transformer")
RECURRENT = tuple(CELLS)
SYMBOLS = 4  # motif task: symbols 0..3, one-hot
MOTIF = (1, 2, 3)  # no proper prefix equals a suffix, so occurrences never overlap
MOST_MOTIFS = 3  # classes: 0, 1, 2 or 3 occurrences
SHORTEST = MOST_MOTIFS * len(MOTIF)  # room for every copy of the motif
CLASSES = 4  # both tasks: four answers, so chance is 25 %
TEST_PER_LENGTH = 400
HEADS = 2
VALIDATION_SHARE = 0.2  # train()'s default split, used to turn a batch time into an epoch time
TIMED_BATCHES = 3
TIMED_LONGEST = 600  # the longest sequence the page times


@dataclass(frozen=True)
class BeyondSettings(TrainingSettings):
    """Knobs of the comparison: the task and its length, the models' size, and training."""

    task: str = knob("recall", "Task", "Recall: name the key shown at the first step, after all the noise that "
                     "follows (long memory). Count a motif: how many times the pattern 1 2 3 appears (a short, "
                     "local pattern anywhere).", choices=TASKS, choice_labels=TASK_NAMES)
    longest: int = knob(60, "Longest sequence", "Sequences of this length, half of it and a quarter of it are "
                        "mixed in training and scored apart. Longer sequences test longer memory and cost more "
                        "time, most for the recurrent cells, which read one step after another.", low=20, high=300)
    units: int = knob(16, "Model width", "How many numbers each model keeps per step: hidden units of the "
                      "recurrent cells, filters of the TCN, the Transformer's model size.", low=8, high=64)
    tcn_levels: int = knob(4, "TCN levels", "Stacked causal convolutions; level n skips 2^(n-1) steps between the "
                           "steps it reads, so each level doubles how far back the TCN sees.", low=1, high=8)
    kernel_size: int = knob(3, "TCN kernel size", "How many steps each convolution reads at once. With the levels it "
                            "sets the TCN's receptive field: the steps its last output can see.", low=2, high=5)
    noise: float = knob(0.5, "Distractor noise", "Recall task: how loud the random steps after the key are.",
                        low=0.0, high=2.0, step=0.1)
    num_examples: int = knob(2000, "Training examples", "Sequences per model, lengths mixed.", low=500, high=8000)
    epochs: int = epochs_knob(10, high=40, of="the training data, for each of the five models")
    batch_size: int = batch_size_knob(64, choices=(32, 64, 128, 256))
    learning_rate: float = learning_rate_knob(0.01, choices=(0.001, 0.003, 0.01, 0.03))


def task_lengths(longest: int) -> tuple[int, ...]:
    """A quarter, half and all of ``longest``: the lengths trained on (mixed) and scored one by one."""
    return tuple(sorted({max(longest // 4, SHORTEST), max(longest // 2, SHORTEST), longest}))


# ---------------------------------------------------------------- the tasks


def motif_task(n: int, lengths: tuple[int, ...], seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Random symbols with 0 to 3 copies of ``MOTIF`` planted; the answer is how many there are.

    Returns x (n, longest, symbols) one-hot and left-padded with zeros, each
    count and each length. Chance occurrences in the random symbols are broken
    first (their first symbol set to 0, which is not in the motif), and copies
    are planted in separate slots, so the count is exactly the number planted.
    """
    rng = np.random.default_rng(seed)
    length = rng.choice(lengths, n)
    longest, width = max(lengths), len(MOTIF)
    symbols = rng.integers(0, SYMBOLS, size=(n, longest))  # (n, longest)
    found = np.all([symbols[:, j : longest - width + 1 + j] == m for j, m in enumerate(MOTIF)], axis=0)
    symbols[:, : longest - width + 1][found] = 0
    counts = rng.integers(0, MOST_MOTIFS + 1, n)
    for row in range(n):
        start = longest - length[row]
        slots = rng.choice(length[row] // width, counts[row], replace=False)
        for slot in slots:
            symbols[row, start + slot * width : start + (slot + 1) * width] = MOTIF
    x = np.eye(SYMBOLS, dtype="float32")[symbols]  # (n, longest, symbols)
    x[np.arange(longest)[None, :] < (longest - length)[:, None]] = 0.0  # padding before each sequence
    return x, counts, length


def make_task(task: str, n: int, lengths: tuple[int, ...], noise: float, seed: int
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The chosen task's sequences (n, longest, features), answers and lengths."""
    if task == "recall":
        return recall_task(n, lengths, noise, seed)
    return motif_task(n, lengths, seed)


def features_of(task: str) -> int:
    """Numbers per step: the keys and the key flag, or the one-hot symbols."""
    return MEMORY_KEYS + 1 if task == "recall" else SYMBOLS


# ---------------------------------------------------------------- the models


@keras.saving.register_keras_serializable(package="sequence_lab")  # so a saved model loads in safe mode
class LastStep(keras.layers.Layer):
    """The last step of a sequence: what every model here answers from."""

    def call(self, inputs):
        return inputs[:, -1]  # (batch, steps, units) -> (batch, units)


@keras.saving.register_keras_serializable(package="sequence_lab")  # so a saved model loads in safe mode
class PositionalEncoding(keras.layers.Layer):
    """Adds sine and cosine waves of the step number, so attention (blind to order) knows where each step is.

    PE(t, 2i) = sin(t / 10000^(2i/d)), PE(t, 2i+1) = cos(t / 10000^(2i/d)),
    computed for whatever length comes in, as in "Attention is all you need".
    """

    def call(self, inputs):
        steps, size = ops.shape(inputs)[1], inputs.shape[-1]
        t = ops.cast(ops.arange(steps), "float32")[:, None]  # (steps, 1)
        rates = ops.power(10000.0, -ops.cast(ops.arange(0, size, 2), "float32") / size)  # (size / 2,)
        angles = t * rates[None, :]  # (steps, size / 2)
        waves = ops.reshape(ops.stack([ops.sin(angles), ops.cos(angles)], axis=-1), (steps, size))
        return inputs + ops.cast(waves, inputs.dtype)[None]  # (batch, steps, size)


def build_recurrent(cell: str, num_features: int, num_units: int) -> keras.Model:
    """A recurrent cell reads the steps one after another; its final state names the answer."""
    inputs = keras.Input((None, num_features), name="sequence")  # (batch, steps, features)
    state = recurrent_stack(inputs, cell, num_units)  # (batch, units)
    outputs = keras.layers.Dense(CLASSES, activation="softmax", name="answer")(state)
    return keras.Model(inputs, outputs, name=cell.lower())


def build_tcn(num_features: int, num_filters: int, num_levels: int, kernel_size: int) -> keras.Model:
    """Stacked dilated causal convolutions: level n reads ``kernel_size`` steps spaced 2^(n-1) apart.

    Causal padding means no step sees the future; the answer is read at the
    last step, which sees exactly the receptive field (:func:`receptive_field`).
    From level 2 on each level adds its input back (a residual connection), so
    a deep stack trains as easily as a shallow one.
    """
    inputs = keras.Input((None, num_features), name="sequence")  # (batch, steps, features)
    hidden = inputs
    for level in range(num_levels):
        convolved = keras.layers.Conv1D(num_filters, kernel_size, dilation_rate=2**level, padding="causal",
                                        activation="relu", name=f"tcn_{level + 1}")(hidden)
        hidden = convolved if level == 0 else keras.layers.Add()([hidden, convolved])  # (batch, steps, filters)
    outputs = keras.layers.Dense(CLASSES, activation="softmax", name="answer")(LastStep()(hidden))
    return keras.Model(inputs, outputs, name="tcn")


def build_transformer(num_features: int, model_size: int, num_heads: int = HEADS) -> keras.Model:
    """One Transformer encoder block: every step attends to every step at once, in parallel.

    Steps are embedded and given their positions; self-attention (layer
    ``attention``) mixes them, then a small feed-forward network, each with a
    residual connection and layer normalisation. The last step answers, so
    its attention row says where the model looked for the answer.
    """
    inputs = keras.Input((None, num_features), name="sequence")  # (batch, steps, features)
    embedded = PositionalEncoding()(keras.layers.Dense(model_size, name="embed")(inputs))  # (batch, steps, size)
    attended, _ = keras.layers.MultiHeadAttention(num_heads, model_size // num_heads, name="attention")(
        embedded, embedded, return_attention_scores=True)
    hidden = keras.layers.LayerNormalization(name="norm_1")(embedded + attended)
    fed = keras.layers.Dense(2 * model_size, activation="relu", name="feed_forward_1")(hidden)
    fed = keras.layers.Dense(model_size, name="feed_forward_2")(fed)
    hidden = keras.layers.LayerNormalization(name="norm_2")(hidden + fed)  # (batch, steps, size)
    outputs = keras.layers.Dense(CLASSES, activation="softmax", name="answer")(LastStep()(hidden))
    return keras.Model(inputs, outputs, name="transformer")


def build_family(family: str, task: str, num_units: int, tcn_levels: int, kernel_size: int) -> keras.Model:
    """The model of ``family`` ("LSTM", "TCN", "Transformer", …) for ``task``'s inputs, ``num_units`` wide."""
    features = features_of(task)
    if family == "TCN":
        return build_tcn(features, num_units, tcn_levels, kernel_size)
    if family == "Transformer":
        return build_transformer(features, num_units)
    return build_recurrent(family, features, num_units)


def model_of(family: str, settings: BeyondSettings) -> keras.Model:
    """``family``'s model as the settings describe it."""
    return build_family(family, settings.task, settings.units, settings.tcn_levels, settings.kernel_size)


def receptive_field(model: keras.Model) -> int:
    """How many steps the last output of a stack of causal convolutions can see, read from its layers.

    Each convolution widens the view by (kernel size - 1) × dilation steps:
    R = 1 + Σ (k - 1) · d over the Conv1D layers.
    """
    convolutions = [layer for layer in model.layers if isinstance(layer, keras.layers.Conv1D)]
    return 1 + sum((layer.kernel_size[0] - 1) * layer.dilation_rate[0] for layer in convolutions)


def parameter_count(family: str, settings: BeyondSettings) -> int:
    """The weights of ``family``'s model, counted by hand from its equations (a test holds it equal to Keras's).

    SimpleRNN u(i+u)+u; LSTM four gates of that; GRU three, with two biases
    each (Keras's reset_after); a convolution k·in·out + out; attention four
    projections; each layer normalisation a scale and a shift per number.
    """
    i, u, c = features_of(settings.task), settings.units, CLASSES
    head = u * c + c
    if family in RECURRENT:
        gates = {"SimpleRNN": 1, "LSTM": 4, "GRU": 3}[family]
        return gates * u * (i + u) + (2 if family == "GRU" else 1) * gates * u + head
    if family == "TCN":
        k = settings.kernel_size
        return (k * i * u + u) + (settings.tcn_levels - 1) * (k * u * u + u) + head
    key_size = u // HEADS
    attention = 3 * (u * HEADS * key_size + HEADS * key_size) + HEADS * key_size * u + u
    feed_forward = (u * 2 * u + 2 * u) + (2 * u * u + u)
    return (i * u + u) + attention + 2 * (2 * u) + feed_forward + head


# ---------------------------------------------------------------- training and scoring


@dataclass(frozen=True)
class AttentionExample:
    """The Transformer's attention from its last step over one fresh sequence of the longest length."""

    weights: np.ndarray  # (heads, steps): each row sums to one
    marked: np.ndarray  # (steps,) True where the answer lies (the key step, or the motif's steps)
    answer: int
    predicted: int


@dataclass(frozen=True)
class BeyondResult:
    """Every model's scores on the same fresh sequences, its curves, size and time, and the Transformer's focus."""

    accuracy: dict[str, dict[int, float]]  # family -> length -> share answered right
    correct: dict[str, np.ndarray]  # family -> (test sequences,) whether each was answered right
    test_lengths: np.ndarray  # (test sequences,)
    histories: dict[str, dict[str, list[float]]]
    parameters: dict[str, int]  # family -> Keras's count_params()
    seconds: dict[str, float]  # family -> wall time of its training
    receptive_field: int  # of the trained TCN, from its layers
    attention: AttentionExample


def compare_families(settings: BeyondSettings, on_epoch_end: EpochFn | None = None) -> TrainResult[BeyondResult]:
    """Train the five models on the same sequences; score each at every length on the same fresh ones.

    The result's model is the Transformer (its attention is read again on the
    page); ``details`` holds every model's scores, curves, sizes and times.
    """
    lengths = task_lengths(settings.longest)
    tell(on_epoch_end, f"Making {settings.num_examples:,} training sequences…")
    x, y, _ = training_data(settings)
    x_test, y_test, length_test = make_task(settings.task, TEST_PER_LENGTH * len(lengths), lengths, settings.noise,
                                            settings.seed + 1)
    accuracy, correct, histories, parameters, seconds, models = {}, {}, {}, {}, {}, {}
    for family in FAMILIES:
        result = train(lambda f=family: model_of(f, settings), x, y, settings,
                       loss="sparse_categorical_crossentropy", metrics=["accuracy"], on_epoch_end=on_epoch_end)
        correct[family] = predict(result.model, x_test).argmax(axis=-1) == y_test
        accuracy[family] = {n: float(np.mean(correct[family][length_test == n])) for n in lengths}
        histories[family], parameters[family] = result.history, result.model.count_params()
        seconds[family], models[family] = result.seconds, result
    transformer = models["Transformer"]
    details = BeyondResult(accuracy, correct, length_test, histories, parameters, seconds,
                           receptive_field(models["TCN"].model), attention_example(transformer.model, settings))
    return replace(transformer, seconds=sum(seconds.values()), details=details,
                   scores={f"{family} accuracy at the longest length": accuracy[family][settings.longest]
                           for family in FAMILIES})


def training_data(settings: BeyondSettings) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The sequences, answers and lengths every model trains on."""
    return make_task(settings.task, settings.num_examples, task_lengths(settings.longest), settings.noise,
                     settings.seed)


def attention_reader(model: keras.Model) -> keras.Model:
    """A model sharing the Transformer's weights whose output is its attention weights (batch, heads, steps, steps)."""
    return keras.Model(model.inputs, model.get_layer("attention").output[1], name="attention_reader")


def attention_example(model: keras.Model, settings: BeyondSettings) -> AttentionExample:
    """Where the trained Transformer's last step looks on one fresh sequence of the longest length."""
    x, y, _ = make_task(settings.task, 1, (settings.longest,), settings.noise, settings.seed + 2)
    weights = predict(attention_reader(model), x)[0, :, -1, :]  # (heads, steps)
    recall = settings.task == "recall"
    marked = x[0, :, MEMORY_KEYS] == 1.0 if recall else motif_steps(x[0].argmax(axis=-1))  # the key's flag, or motifs
    return AttentionExample(weights, marked, int(y[0]), int(predict(model, x)[0].argmax()))


def motif_steps(symbols: np.ndarray) -> np.ndarray:
    """(steps,) True at every step of every occurrence of ``MOTIF`` in one row of symbols."""
    width = len(MOTIF)
    starts = np.all([symbols[j : len(symbols) - width + 1 + j] == m for j, m in enumerate(MOTIF)], axis=0)
    marked = np.zeros(len(symbols), dtype=bool)
    for start in np.flatnonzero(starts):
        marked[start : start + width] = True
    return marked


def epoch_seconds(settings: BeyondSettings, lengths: tuple[int, ...],
                  clock: Callable[[], float] = time.perf_counter) -> dict[str, dict[int, float]]:
    """Seconds one training epoch takes, for each model family at each sequence length.

    Each family's model is built afresh (it reads any length) and trained on
    one batch of each length to compile, then timed over ``TIMED_BATCHES``
    batches; the median batch time times the batches in an epoch of the
    settings' examples is the epoch's time. The model is thrown away.
    ``clock`` is wall time by default (what a visitor waits); the bench
    passes ``time.process_time`` (CPU time of all threads), which other jobs on
    a shared machine inflate far less.
    """
    batches = int(np.ceil(trained_on(settings) / settings.batch_size))
    times: dict[str, dict[int, float]] = {}
    for family in FAMILIES:
        set_seed(settings.seed)
        model = model_of(family, settings)
        model.compile(optimizer=keras.optimizers.Adam(settings.learning_rate), loss="sparse_categorical_crossentropy")
        times[family] = {}
        for length in lengths:
            x, y, _ = make_task(settings.task, settings.batch_size, (length,), settings.noise, settings.seed)
            model.train_on_batch(x, y)  # compiles for this length
            timed = []
            for _ in range(TIMED_BATCHES):
                started = clock()
                model.train_on_batch(x, y)
                timed.append(clock() - started)
            times[family][length] = float(np.median(timed)) * batches
    return times


def trained_on(settings: BeyondSettings) -> int:
    """How many sequences one epoch trains on: the examples less the validation share."""
    return round(settings.num_examples * (1 - VALIDATION_SHARE))


def timing_lengths(longest: int) -> tuple[int, ...]:
    """The lengths the time per epoch is measured at: a quarter of the longest, the longest, and four times it
    (at most ``TIMED_LONGEST``, so one click's timing stays short)."""
    return (max(longest // 4, SHORTEST), longest, max(min(4 * longest, TIMED_LONGEST), longest))


# ---------------------------------------------------------------- what the page says


CHANCE = 1 / CLASSES
WHEN_FAILING = ("a recurrent cell may have lost the answer over many steps, a TCN cannot see beyond its receptive "
                "field, and attention needs enough examples to find what matters. Try more epochs or examples, "
                "more TCN levels, or a shorter longest sequence")


def held_out(details: BeyondResult, longest: int) -> HeldOut:
    """Each model's accuracy at the longest length, on the fresh sequences of that length: what diagnosis judges."""
    units = int(np.sum(details.test_lengths == longest))
    return HeldOut({family: scores[longest] for family, scores in details.accuracy.items()}, CHANCE, units,
                   WHEN_FAILING)


def best_recurrent(details: BeyondResult, longest: int) -> str:
    """The recurrent cell with the highest accuracy at the longest length (the first of equals)."""
    return max(RECURRENT, key=lambda cell: details.accuracy[cell][longest])


def verdicts(details: BeyondResult, longest: int) -> list[Verdict]:
    """The TCN and the Transformer each against the best recurrent cell, on the same fresh longest sequences."""
    at_longest = details.test_lengths == longest
    cell = best_recurrent(details, longest)
    on_what = f"{int(at_longest.sum())} fresh sequences of length {longest}"
    return [verdict(compare(details.correct[family][at_longest], details.correct[cell][at_longest], "accuracy",
                            higher_is_better=True), family, f"the {cell} (the best recurrent cell here)", on_what,
                    percent_metric=True)
            for family in ("TCN", "Transformer")]


def accuracy_story(details: BeyondResult, longest: int) -> str:
    """The accuracy-by-length chart's caption: each model at the longest length, and who is no better than chance."""
    facts = held_out(details, longest)
    guessing = [family for family, score in facts.scores.items() if score <= facts.chance + facts.noise()]
    said = ", ".join(f"{family} {score:.0%}" for family, score in facts.scores.items())
    story = f"Accuracy on fresh sequences by length (chance is {facts.chance:.0%}). At length {longest}: {said}."
    if guessing:
        story += f" {' and '.join(guessing)} {'is' if len(guessing) == 1 else 'are'} no better than guessing there."
    return story


def receptive_field_story(details: BeyondResult, task: str) -> str:
    """What the TCN did inside and beyond its receptive field, from its scores."""
    field, scores = details.receptive_field, details.accuracy["TCN"]
    inside = {n: s for n, s in scores.items() if n <= field}
    beyond = {n: s for n, s in scores.items() if n > field}
    what = "the key (shown at the first step)" if task == "recall" else "a motif near the start"

    def listed(part: dict[int, float]) -> str:
        return ", ".join(f"{s:.0%} at length {n}" for n, s in part.items())

    story = f"The TCN's last step sees the last {field} steps (its receptive field, from its layers). "
    if inside:
        story += f"Within it: {listed(inside)}. "
    if not beyond:
        return story + "Every length here fits inside it, so nothing is out of its sight."
    return story + (f"Beyond it, where {what} can lie out of sight: {listed(beyond)} (chance is {CHANCE:.0%}). "
                    "More levels or a wider kernel widen the field.")


def attention_story(example: AttentionExample, task: str) -> str:
    """Where the last step's attention went on the example: its share on the steps that hold the answer."""
    on_marked = float(example.weights[:, example.marked].sum(axis=1).mean())
    steps, marked = example.weights.shape[1], int(example.marked.sum())
    even = marked / steps
    where = "the key step" if task == "recall" else f"the {marked} steps of the motif{'s' * (marked > len(MOTIF))}"
    if marked == 0:
        return (f"This sequence holds no motif (answer 0); the model said {example.predicted}. The last step's "
                "attention is spread over the steps that look most like one.")
    looks = "looks at the answer" if on_marked > 2 * even else "does not single out the answer"
    return (f"Averaged over the {example.weights.shape[0]} heads, the last step puts {on_marked:.0%} of its attention "
            f"on {where} (spread evenly it would be {even:.1%}): it {looks}. The true answer is {example.answer}; "
            f"the model said {example.predicted}.")


def timing_story(times: dict[str, dict[int, float]]) -> str:
    """How each family's time per epoch grew from the shortest to the longest length measured."""
    growth = {family: by_length[max(by_length)] / by_length[min(by_length)] for family, by_length in times.items()}
    shortest, longest = min(next(iter(times.values()))), max(next(iter(times.values())))
    said = ", ".join(f"{family} ×{factor:.1f}" for family, factor in growth.items())
    slowest = max(times, key=lambda family: times[family][longest])
    return (f"From length {shortest} to {longest}, the time per epoch grew: {said}. Slowest at length {longest}: "
            f"{slowest} ({times[slowest][longest]:.2f} s per epoch). A recurrent cell must finish step t before "
            "step t + 1 on any hardware; convolution and attention compute all steps at once, which pays where "
            "there is parallel hardware to fill (a GPU), while attention's work grows with the square of the length "
            "(every step compared with every step).")


def cli_document(settings: BeyondSettings) -> dict[str, object]:
    """Train the five models as the page does; scores, sizes, times and verdicts as JSON-ready data.

    ``python -m core beyond … --json`` prints this; "verdict" is the Transformer's against the best recurrent
    cell, "verdicts" both sentences.
    """
    result = compare_families(settings)
    details: BeyondResult = result.details
    said = verdicts(details, settings.longest)
    return {"settings": dataclasses.asdict(settings), "seconds": round(result.seconds, 2),
            "verdict": said[-1].as_json(), "verdicts": [v.as_json() for v in said],
            "metrics": {family: {f"accuracy at length {n}": round(score, 4) for n, score in scores.items()}
                        | {"parameters": details.parameters[family], "seconds": round(details.seconds[family], 2)}
                        for family, scores in details.accuracy.items()},
            "tcn_receptive_field": details.receptive_field,
            "attention": attention_story(details.attention, settings.task)}


# ---------------------------------------------------------------- charts


def plot_receptive_field(num_levels: int, kernel_size: int, longest: int) -> go.Figure:
    """Which input steps reach the TCN's last output, level by level (dots), against the longest sequence (band)."""
    reached = [{0}]  # offsets back from the last step, from the top level down
    for level in reversed(range(num_levels)):
        dilation = 2**level
        reached.append({offset + j * dilation for offset in reached[-1] for j in range(kernel_size)})
    fig = go.Figure()
    for depth, offsets in enumerate(reached):
        level = num_levels - depth
        fig.add_trace(go.Scatter(x=[-o for o in sorted(offsets)], y=[level] * len(offsets), mode="markers",
                                 marker={"size": 5, "color": SERIES[0] if level else SERIES[1]},
                                 name="input" if level == 0 else f"level {level}",
                                 hovertemplate="%{x} steps back<extra></extra>"))
    fig.add_vrect(x0=-(longest - 1), x1=0, fillcolor=translucent(NEUTRAL, 0.12), line_width=0,
                  annotation_text=f"longest sequence ({longest} steps)", annotation_position="top left")
    fig.update_layout(height=260, margin={"l": 40, "r": 10, "t": 30, "b": 40}, showlegend=False,
                      xaxis_title="steps before the last one (0 = the last step)",
                      yaxis={"title": "level", "dtick": 1})
    return fig


def plot_epoch_seconds(times: dict[str, dict[int, float]]) -> go.Figure:
    """Seconds per training epoch against sequence length, one line per family."""
    fig = go.Figure([go.Scatter(x=list(by_length), y=list(by_length.values()), mode="lines+markers", name=family,
                                **series_style(index))
                     for index, (family, by_length) in enumerate(times.items())])
    fig.update_layout(height=300, margin={"l": 40, "r": 10, "t": 20, "b": 40}, xaxis_title="sequence length",
                      yaxis_title="seconds per epoch", legend={"orientation": "h", "y": 1.12})
    return fig
