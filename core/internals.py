"""Inside a recurrent network: the forward pass by hand, backpropagation through time, and gates.

The recurrence is written out in NumPy with the page's symbols, and checked
against Keras (``SimpleRNN`` for the forward pass, automatic differentiation
for the backward pass, ``LSTM`` for the gates), so every number the page shows
is the computation a real model runs.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import keras
import numpy as np

from core.diagnosis import HeldOut
from core.recurrent import CELLS, units_knob
from core.settings import batch_size_knob, epochs_knob, knob, learning_rate_knob, seed_knob
from core.training import EpochFn, TrainingSettings, TrainResult, predict, tell, train

ACTIVATIONS = ("tanh", "sigmoid", "relu", "linear")
NUMBER_CLASSES = ("down", "same", "up")  # illustrative outputs when the input is numbers


@dataclass(frozen=True)
class ForwardSettings:
    """Knobs of the step-by-step forward pass."""

    hidden_size: int = knob(3, "Hidden size", "How many numbers the hidden state h_t holds. More "
                            "units can remember more, but are harder to follow by eye.", low=1, high=8)
    weight_scale: float = knob(1.0, "Weight scale", "How large the random starting weights are. "
                               "Larger weights push tanh towards ±1 (saturation).", low=0.1, high=3.0, step=0.1)
    activation: str = knob("tanh", "Activation", "The squashing function applied at every step.",
                           choices=ACTIVATIONS)
    seed: int = seed_knob(0, picks="the random weights")


@dataclass(frozen=True)
class GradientSettings:
    """Knobs of the gradient-flow experiment."""

    spectral_radius: float = knob(1.0, "Spectral radius of W_hh", "The largest stretch W_hh applies "
                                  "to a vector. Below 1 gradients shrink as they go back in time "
                                  "(vanish); above 1 they can grow (explode).", low=0.5, high=2.0, step=0.05)
    activation: str = knob("tanh", "Activation", "tanh and sigmoid have slopes below 1 that shrink "
                           "gradients further; ReLU passes them only through active units; linear "
                           "shows W_hh alone: the gradient scales like radius^steps.",
                           choices=ACTIVATIONS)
    steps: int = knob(60, "Sequence length", "How many steps back the gradient travels.", low=10, high=200)
    hidden_size: int = knob(32, "Hidden size", "Size of the hidden state.", low=4, high=128)
    clip_norm: float = knob(0.0, "Clip gradient norm at", "0 means no clipping. Otherwise each "
                            "step's gradient is scaled down to at most this length: exploding gradients "
                            "are capped, vanishing ones are not helped.", low=0.0, high=10.0, step=0.5)
    truncation: int = knob(0, "Truncate after (steps)", "0 means full backpropagation through time. "
                           "Otherwise the gradient stops this many steps back (truncated BPTT).",
                           low=0, high=200)
    seed: int = seed_knob(0, picks="W_hh and the inputs")

@dataclass(frozen=True)
class RnnWeights:
    """The parameters of ``h_t = f(W_xh x_t + W_hh h_{t-1} + b)`` and ``y_t = softmax(W_hy h_t + b_y)``."""

    W_xh: np.ndarray  # (hidden, input)
    W_hh: np.ndarray  # (hidden, hidden)
    b: np.ndarray  # (hidden,)
    W_hy: np.ndarray  # (output, hidden)
    b_y: np.ndarray  # (output,)


@dataclass(frozen=True)
class Step:
    """Every intermediate value of one forward step, as the page shows it."""

    x: np.ndarray
    h_prev: np.ndarray
    input_part: np.ndarray  # W_xh x_t
    recurrent_part: np.ndarray  # W_hh h_{t-1}
    pre_activation: np.ndarray  # W_xh x_t + W_hh h_{t-1} + b
    h: np.ndarray
    y: np.ndarray  # softmax(W_hy h_t + b_y)


@dataclass(frozen=True)
class EncodedSequence:
    """A typed sequence as model input: one row per step, and a name for each output class."""

    xs: np.ndarray  # (T, input)
    tokens: list[str]
    output_names: tuple[str, ...]


# ---------------------------------------------------------------- forward pass


def encode_sequence(text: str) -> EncodedSequence:
    """'0.5 1 -2' -> numbers (one feature per step); 'the cat sat' -> one-hot word vectors.

    Raises ValueError with what to type when the text is empty.
    """
    tokens = text.replace(",", " ").split()
    if not tokens:
        raise ValueError("Type a short sequence: numbers like '0.5 1 -2' or words like 'the cat sat'.")
    try:
        values = [float(t) for t in tokens]
    except ValueError:
        vocabulary = tuple(dict.fromkeys(t.lower() for t in tokens))
        xs = np.eye(len(vocabulary))[[vocabulary.index(t.lower()) for t in tokens]]  # (T, vocab)
        return EncodedSequence(xs, tokens, vocabulary)
    if not np.all(np.isfinite(values)):
        raise ValueError("Numbers must be finite; 'inf' and 'nan' cannot be fed to a network.")
    return EncodedSequence(np.array(values)[:, None], tokens, NUMBER_CLASSES)


def activate(name: str, a: np.ndarray) -> np.ndarray:
    """The activation f applied to the pre-activation a."""
    if name == "tanh":
        return np.tanh(a)
    if name == "sigmoid":
        return 1.0 / (1.0 + np.exp(-a))
    if name == "relu":
        return np.maximum(a, 0.0)
    return a


def activation_slope(name: str, a: np.ndarray) -> np.ndarray:
    """f'(a): how much a small change of the pre-activation moves h."""
    if name == "tanh":
        return 1.0 - np.tanh(a) ** 2
    if name == "sigmoid":
        s = activate("sigmoid", a)
        return s * (1.0 - s)
    if name == "relu":
        return (a > 0).astype(a.dtype)
    return np.ones_like(a)


def init_weights(input_size: int, hidden_size: int, output_size: int, weight_scale: float, seed: int) -> RnnWeights:
    """Random weights with variance ``weight_scale**2 / fan_in``, biases at zero."""
    rng = np.random.default_rng(seed)

    def matrix(rows: int, cols: int) -> np.ndarray:
        return rng.normal(0.0, weight_scale / np.sqrt(cols), size=(rows, cols))

    return RnnWeights(matrix(hidden_size, input_size), matrix(hidden_size, hidden_size), np.zeros(hidden_size),
                      matrix(output_size, hidden_size), np.zeros(output_size))


def softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max())
    return e / e.sum()


def forward(weights: RnnWeights, xs: np.ndarray, activation: str = "tanh") -> list[Step]:
    """Run the recurrence over ``xs`` (T, input) from h_0 = 0, keeping every intermediate value."""
    h_prev = np.zeros(weights.W_hh.shape[0])
    steps = []
    for x in xs:
        input_part = weights.W_xh @ x
        recurrent_part = weights.W_hh @ h_prev
        # h_t = f(W_xh x_t + W_hh h_{t-1} + b)
        pre_activation = input_part + recurrent_part + weights.b
        h = activate(activation, pre_activation)
        # y_t = softmax(W_hy h_t + b_y)
        y = softmax(weights.W_hy @ h + weights.b_y)
        steps.append(Step(x, h_prev, input_part, recurrent_part, pre_activation, h, y))
        h_prev = h
    return steps


def keras_hidden_states(weights: RnnWeights, xs: np.ndarray, activation: str = "tanh") -> np.ndarray:
    """The hidden states Keras's own SimpleRNN computes with the same weights: (T, hidden).

    Keras multiplies row vectors from the left (x @ kernel), so its kernels are
    our matrices transposed.
    """
    layer = keras.layers.SimpleRNN(weights.W_hh.shape[0], activation=activation, return_sequences=True)
    layer.build((1, *xs.shape))
    layer.set_weights([weights.W_xh.T, weights.W_hh.T, weights.b])
    return np.asarray(layer(xs[None].astype("float32")))[0]  # (T, hidden)


def largest_difference_from_keras(weights: RnnWeights, steps: list[Step], xs: np.ndarray, activation: str) -> float:
    """How far our hand-written hidden states are from Keras's own SimpleRNN's, at most (should be ~1e-7)."""
    ours = np.array([step.h for step in steps])  # (T, hidden)
    return float(np.max(np.abs(ours - keras_hidden_states(weights, xs, activation))))


# ---------------------------------------------------------------- backpropagation through time


def with_spectral_radius(matrix: np.ndarray, radius: float) -> np.ndarray:
    """``matrix`` rescaled so its largest absolute eigenvalue is exactly ``radius``."""
    return matrix * (radius / np.max(np.abs(np.linalg.eigvals(matrix))))


def hidden_state_gradients(
    W_xh: np.ndarray, W_hh: np.ndarray, b: np.ndarray, xs: np.ndarray, loss_direction: np.ndarray,
    activation: str = "tanh", truncation: int = 0, clip_norm: float = 0.0,
) -> np.ndarray:
    """∂L/∂h_t for every step t, for the loss L = loss_direction · h_T at the last step: (T, hidden).

    Going back one step multiplies by the same Jacobian each time,
    ∂L/∂h_{t-1} = W_hhᵀ (f'(a_t) ⊙ ∂L/∂h_t), which is why W_hh's spectral radius
    decides whether the signal fades or grows. Steps beyond ``truncation`` get
    no gradient (NaN); ``clip_norm`` caps each step's gradient length.
    """
    pre_activations, h_prev = [], np.zeros(W_hh.shape[0])
    for x in xs:
        a = W_xh @ x + W_hh @ h_prev + b
        pre_activations.append(a)
        h_prev = activate(activation, a)
    steps = len(xs)
    grads = np.full((steps, W_hh.shape[0]), np.nan)
    grad = _clip(loss_direction.astype(float), clip_norm)  # ∂L/∂h_T
    reach = steps if truncation <= 0 else min(truncation, steps)
    for t in range(steps - 1, steps - 1 - reach, -1):
        grads[t] = grad
        # ∂L/∂h_{t-1} = W_hhᵀ (f'(a_t) ⊙ ∂L/∂h_t)
        grad = _clip(W_hh.T @ (activation_slope(activation, pre_activations[t]) * grad), clip_norm)
    return grads


def _clip(grad: np.ndarray, clip_norm: float) -> np.ndarray:
    norm = np.linalg.norm(grad)
    return grad * (clip_norm / norm) if 0 < clip_norm < norm else grad


def gradient_norm_curve(settings: GradientSettings) -> tuple[np.ndarray, np.ndarray]:
    """‖∂L/∂h_t‖ for every step: full BPTT, and as the settings ask (clipped, truncated).

    The inputs and W_xh are random; W_hh is random with the chosen spectral radius.
    """
    rng = np.random.default_rng(settings.seed)
    size, input_size = settings.hidden_size, 4
    W_hh = with_spectral_radius(rng.normal(size=(size, size)), settings.spectral_radius)
    W_xh = rng.normal(0.0, 1.0 / np.sqrt(input_size), size=(size, input_size))
    xs = rng.normal(size=(settings.steps, input_size))
    direction = rng.normal(size=size)
    direction /= np.linalg.norm(direction)
    common = (W_xh, W_hh, np.zeros(size), xs, direction, settings.activation)
    full = np.linalg.norm(hidden_state_gradients(*common), axis=1)
    chosen = np.linalg.norm(hidden_state_gradients(*common, settings.truncation, settings.clip_norm), axis=1)
    return full, chosen


GROWTH_LIMIT = 1e2  # the gradient at step 1 this many times larger (or smaller) than at the end: exploded (vanished)


@dataclass(frozen=True)
class GradientFate:
    """What happened to the error signal on its way back: its size at step 1 relative to the last step."""

    ratio: float
    fate: str  # "vanishes", "explodes" or "stays about the same size"


def gradient_fate(norms: np.ndarray) -> GradientFate:
    """Whether a gradient-norm curve (step 1 first) vanished, exploded, or kept its size."""
    ratio = float(norms[0] / norms[-1])
    if ratio < 1 / GROWTH_LIMIT:
        return GradientFate(ratio, "vanishes")
    return GradientFate(ratio, "explodes" if ratio > GROWTH_LIMIT else "stays about the same size")


# ---------------------------------------------------------------- what gates change


@dataclass(frozen=True)
class MemorySettings(TrainingSettings):
    """Knobs of the long-memory comparison: one model per cell, trained on every length at once."""

    units: int = units_knob(16, low=4, high=64, of="each cell's hidden state")
    # 1.3 by default: at 1.0 a SimpleRNN learned the 50-step recall with some seeds on some machines (99 % with the
    # default seed here); at 1.3 it stayed at chance with each of four seeds while LSTM (0.98–1.0) and GRU (1.0)
    # kept the key, which is the lesson of the page; at 1.5 the LSTM too fell to 0.72 with one seed
    noise: float = knob(1.3, "Distractor noise", "How loud the random steps after the key are. "
                        "Louder noise overwrites a plain RNN's memory sooner.", low=0.0, high=2.0, step=0.1)
    num_examples: int = knob(3000, "Training examples", "Sequences per cell, lengths mixed.",
                             low=500, high=10000)
    epochs: int = epochs_knob(15, high=60, of="the training data, for each of the three cells")
    batch_size: int = batch_size_knob(64, choices=(32, 64, 128, 256))
    learning_rate: float = learning_rate_knob(0.01, choices=(0.001, 0.003, 0.01, 0.03))


MEMORY_CELLS = ("SimpleRNN", "LSTM", "GRU")
MEMORY_LENGTHS = (5, 20, 50)
MEMORY_KEYS = 4


def recall_task(n: int, lengths: tuple[int, ...], noise: float, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Remember the key shown at the first step, through a noisy sequence, and name it at the end.

    Returns x (n, max length, keys + 1), left-padded with zeros (masked by the
    model), the key of each sequence, and each sequence's length. The last
    input channel flags the key step.
    """
    rng = np.random.default_rng(seed)
    keys = rng.integers(0, MEMORY_KEYS, n)
    length = rng.choice(lengths, n)
    longest = max(lengths)
    x = rng.normal(0.0, noise, size=(n, longest, MEMORY_KEYS + 1)).astype("float32")
    x[np.arange(longest)[None, :] < (longest - length)[:, None]] = 0.0  # padding before each sequence
    key_step = longest - length
    x[np.arange(n), key_step] = 0.0
    x[np.arange(n), key_step, keys] = 1.0
    x[np.arange(n), key_step, MEMORY_KEYS] = 1.0
    return x, keys, length


def lstm_gates(kernel: np.ndarray, recurrent_kernel: np.ndarray, bias: np.ndarray,
               xs: np.ndarray) -> dict[str, np.ndarray]:
    """Input, forget and output gate values (T, units) and the hidden states of a Keras LSTM.

    Keras stacks the four blocks as [input, forget, candidate, output]:
    i, f, o = sigmoid(...), c_t = f ⊙ c_{t-1} + i ⊙ tanh(...), h_t = o ⊙ tanh(c_t).
    """
    units = recurrent_kernel.shape[0]
    h, c = np.zeros(units), np.zeros(units)
    record: dict[str, list[np.ndarray]] = {"input": [], "forget": [], "output": [], "h": []}
    for x in xs:
        z = x @ kernel + h @ recurrent_kernel + bias
        i, f, g, o = (z[k * units : (k + 1) * units] for k in range(4))
        i, f, o = activate("sigmoid", i), activate("sigmoid", f), activate("sigmoid", o)
        c = f * c + i * np.tanh(g)
        h = o * np.tanh(c)
        for name, value in (("input", i), ("forget", f), ("output", o), ("h", h)):
            record[name].append(value)
    return {name: np.array(values) for name, values in record.items()}


def build_memory_model(cell: str, num_units: int, longest: int) -> keras.Model:
    """Masked sequence in (padding skipped), the remembered key out."""
    inputs = keras.Input((longest, MEMORY_KEYS + 1), name="sequence")  # (batch, T, keys + 1)
    masked = keras.layers.Masking(0.0, name="skip_padding")(inputs)
    state = CELLS[cell](num_units, name="recurrent")(masked)  # (batch, units)
    outputs = keras.layers.Dense(MEMORY_KEYS, activation="softmax", name="key")(state)
    return keras.Model(inputs, outputs, name=f"recall_{cell.lower()}")


@dataclass(frozen=True)
class GateTrace:
    """The trained LSTM's gates over one fresh sequence: what the page draws as heatmaps."""

    gates: dict[str, np.ndarray]  # "input", "forget", "output", "h" -> (steps, units)
    key: int  # the key shown at the first step (0-based)


@dataclass(frozen=True)
class MemoryResult:
    """Every cell's scores on the same fresh sequences, its curves, and the trained LSTM's gates."""

    accuracy: dict[str, dict[int, float]]  # cell -> sequence length -> share of keys named right
    histories: dict[str, dict[str, list[float]]]  # cell -> its Keras history
    correct: dict[str, np.ndarray]  # cell -> (test sequences,) whether each key was named right
    test_lengths: np.ndarray  # (test sequences,) the length of each
    parameters: dict[str, int]  # cell -> its model's weight count
    gates: GateTrace


def compare_cells(settings: MemorySettings, on_epoch_end: EpochFn | None = None) -> TrainResult[MemoryResult]:
    """Train SimpleRNN, LSTM and GRU on the recall task; score each at every length on the same fresh sequences.

    The result's model is the LSTM (for its gates); ``details`` holds every cell's scores and curves.
    """
    tell(on_epoch_end, f"Making {settings.num_examples:,} training sequences…")
    x, keys = memory_training_data(settings)
    x_test, keys_test, length_test = recall_task(1500, MEMORY_LENGTHS, settings.noise, settings.seed + 1)
    accuracy, histories, correct, parameters, seconds, lstm = {}, {}, {}, {}, 0.0, None
    for cell in MEMORY_CELLS:
        result = train(lambda c=cell: build_memory_model(c, settings.units, max(MEMORY_LENGTHS)), x, keys,
                       settings, loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                       on_epoch_end=on_epoch_end)
        correct[cell] = predict(result.model, x_test).argmax(axis=-1) == keys_test
        accuracy[cell] = {n: float(np.mean(correct[cell][length_test == n])) for n in MEMORY_LENGTHS}
        histories[cell], parameters[cell] = result.history, result.model.count_params()
        seconds += result.seconds
        lstm = result if cell == "LSTM" else lstm
    longest = max(MEMORY_LENGTHS)
    details = MemoryResult(accuracy, histories, correct, length_test, parameters,
                           gate_example(lstm.model, settings.noise, settings.seed + 2))
    return replace(lstm, seconds=seconds, details=details,
                   scores={f"{cell} at length {longest}": accuracy[cell][longest] for cell in MEMORY_CELLS})


def memory_training_data(settings: MemorySettings) -> tuple[np.ndarray, np.ndarray]:
    """The recall sequences and keys every cell trains on."""
    x, keys, _ = recall_task(settings.num_examples, MEMORY_LENGTHS, settings.noise, settings.seed)
    return x, keys


def gate_example(model: keras.Model, noise: float, seed: int) -> GateTrace:
    """The trained LSTM's gates over one fresh sequence of the longest length, and its key."""
    x, keys, _ = recall_task(1, (max(MEMORY_LENGTHS),), noise, seed)
    kernel, recurrent_kernel, bias = model.get_layer("recurrent").get_weights()
    return GateTrace(lstm_gates(kernel, recurrent_kernel, bias, x[0]), int(keys[0]))


CHANCE = 1 / MEMORY_KEYS
WHEN_FAILING = ("its memory of the key fades over the noisy steps that follow it (the vanishing gradients of "
                "section 2); a gated cell (LSTM, GRU) keeps it. Try less noise, more units or epochs, or compare "
                "with the gated cells")


def held_out(details: MemoryResult) -> HeldOut:
    """Each cell's accuracy at the longest length, on the fresh sequences of that length: what diagnosis judges."""
    longest = max(MEMORY_LENGTHS)
    units = int(np.sum(details.test_lengths == longest))
    return HeldOut({cell: scores[longest] for cell, scores in details.accuracy.items()}, CHANCE, units,
                   WHEN_FAILING)


def memory_story(details: MemoryResult) -> str:
    """The accuracy-by-length chart's caption, from the scores: which cells held the key and which lost it."""
    longest, facts = max(MEMORY_LENGTHS), held_out(details)
    kept = [cell for cell, score in facts.scores.items() if score > facts.chance + facts.noise()]
    lost = [cell for cell in facts.scores if cell not in kept]
    said = [f"{cell} {facts.scores[cell]:.0%}" for cell in facts.scores]
    story = (f"Accuracy on fresh sequences by length (chance is {facts.chance:.0%}). At length {longest}: "
             f"{', '.join(said)}.")
    if lost:
        story += f" {' and '.join(lost)} {'is' if len(lost) == 1 else 'are'} no better than guessing there."
    return story


OPEN = 0.9  # a gate above this on average is held open


def gate_story(trace: GateTrace, gate: str) -> str:
    """The gate heatmap's caption, from the trained LSTM's gates on this sequence."""
    values = trace.gates[gate][1:]  # (steps after the key, units)
    held_open = int(np.sum(values.mean(axis=0) > OPEN))
    units = values.shape[1]
    if gate == "forget":
        return (f"{held_open} of {units} units keep their forget gate above {OPEN:g} on average after step 1 "
                "(yellow rows): those keep what they stored, the key among it, through the noise.")
    return (f"{held_open} of {units} units keep their {gate} gate above {OPEN:g} on average after step 1. "
            f"The {gate} gate decides how much {'new input is written' if gate == 'input' else 'memory is shown'}"
            " at each step.")

