"""Connection types: five input/output patterns, each with a seeded toy task and a Keras builder.

Each task is small enough to learn in a couple of seconds on 2 CPU cores, and
shaped so that only its pattern fits it:

* one-to-one      a point (x, y) -> is it inside the unit circle?   (no recurrence)
* one-to-many     a phase phi -> the next T values of sin(phi + k*step)
* many-to-one     a review of T words -> positive or negative
* many-to-many    a sequence of T digits -> at each step, is it a new running maximum?
* encoder-decoder a number as digits "342" -> its words "three hundred forty two"
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import keras
import numpy as np

from core.cache import lower_is_better
from core.decoding import BeamResult, StepFn, beam_search, context_rows, prefix_step
from core.decoding import greedy_decode as decode_greedily
from core.diagnosis import HeldOut
from core.recurrent import CELLS, cell_knob, units_knob
from core.settings import batch_size_knob, epochs_knob, knob, learning_rate_knob
from core.training import EpochFn, TrainingSettings, TrainResult, predict, tell, train
from core.verdicts import Verdict, compare, verdict

PATTERNS = ("one_to_one", "one_to_many", "many_to_one", "many_to_many", "encoder_decoder")
PATTERN_TITLES = {
    "one_to_one": "One-to-one",
    "one_to_many": "One-to-many",
    "many_to_one": "Many-to-one",
    "many_to_many": "Many-to-many (aligned)",
    "encoder_decoder": "Encoder–decoder (different lengths)",
}
WAVE_STEP = 0.4  # radians between consecutive outputs of the one-to-many wave

GOOD_WORDS = ("good", "great", "fun", "love", "excellent", "brilliant")
BAD_WORDS = ("bad", "boring", "awful", "hate", "dull", "weak")
NEUTRAL_WORDS = ("the", "movie", "plot", "acting", "was", "story", "but", "very", "and", "ending")
REVIEW_VOCAB = ("<pad>", "<unk>", *GOOD_WORDS, *BAD_WORDS, *NEUTRAL_WORDS)

ONES = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
        "nineteen")
TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
WORD_VOCAB = ("<pad>", "<start>", "<end>", *ONES, *TENS[2:], "hundred", "thousand")
MAX_DIGITS = 3  # the default: numbers up to 999
MAX_WORDS = 5  # "nine hundred ninety nine" + <end>
MOST_DIGITS = 6  # the digits knob's top: numbers up to 999,999
HELD_OUT_PER_LENGTH = 50  # unseen numbers of each length scored (fewer where a length has few numbers)
HELD_OUT_SHARE = 0.15  # at most this share of a length's numbers is held out
LENGTHS_TO_TRY = (4, 8, 16, 32, 64)  # many-to-one is scored on each, whatever it trained on


@dataclass(frozen=True)
class ConnectionSettings(TrainingSettings):
    """Every knob of the connection-types page; the pattern picks the task and the model."""

    pattern: str = knob("many_to_one", "Pattern", "Which shape of input and output to train.",
                        choices=PATTERNS, choice_labels=PATTERN_TITLES)
    cell: str = cell_knob(note=" Ignored by one-to-one, which has no recurrence.")
    units: int = units_knob(32, low=4, high=128, of="the hidden state h_t: how much the model can keep in mind")
    digits: int = knob(MAX_DIGITS, "Digits (at most)", "Encoder–decoder only: the longest number to spell, in "
                       "digits. Training numbers have every length up to it, as many of each length. Longer "
                       "numbers mean longer sequences in and out.", low=2, high=MOST_DIGITS)
    attention: bool = knob(False, "Attention", "Encoder–decoder only: let the decoder look back at every "
                           "digit's encoder state at each word, instead of working from the encoder's final "
                           "state alone. On, the page also trains the same model without attention, to compare.")
    sequence_length: int = knob(8, "Sequence length", "Steps per training sequence (ignored by "
                                "one-to-one and by the number-to-words task, whose lengths "
                                "come from the numbers).", low=2, high=30)
    num_examples: int = knob(2000, "Training examples", "How many toy examples are generated. "
                             "More examples teach better and train slower.", low=200, high=10000)
    epochs: int = epochs_knob(12, high=100)
    batch_size: int = batch_size_knob(64, choices=(16, 32, 64, 128, 256))
    learning_rate: float = learning_rate_knob(0.01)


@dataclass(frozen=True)
class ToyTask:
    """Generated examples for one pattern; ``x`` may be a list when the model has two inputs."""

    x: np.ndarray | list[np.ndarray]
    y: np.ndarray
    loss: str
    metric: str


# ---------------------------------------------------------------- task generators


def circle_points(n: int, seed: int) -> ToyTask:
    """One-to-one: points in [-1.5, 1.5]^2, label 1 inside the unit circle."""
    points = np.random.default_rng(seed).uniform(-1.5, 1.5, size=(n, 2)).astype("float32")
    inside = (np.square(points).sum(axis=1) < 1.0).astype("float32")
    return ToyTask(points, inside[:, None], "binary_crossentropy", "accuracy")  # (n, 2) -> (n, 1)


def sine_continuations(n: int, length: int, seed: int) -> ToyTask:
    """One-to-many: a phase in [0, 2*pi) -> sin(phase + k*WAVE_STEP) for k = 1..length."""
    phase = np.random.default_rng(seed).uniform(0, 2 * np.pi, size=n).astype("float32")
    return ToyTask(phase_inputs(phase), wave_after(phase, length), "mse", "mae")


def phase_inputs(phase: np.ndarray) -> np.ndarray:
    """Phases (n,) as the model reads them: points on the circle, (n, 2), so 0 and 2*pi look alike."""
    return np.stack([np.sin(phase), np.cos(phase)], axis=1).astype("float32")


def wave_after(phase: np.ndarray, length: int) -> np.ndarray:
    """The true continuation of each phase: (n, length, 1)."""
    steps = WAVE_STEP * np.arange(1, length + 1, dtype="float32")
    return np.sin(phase[:, None] + steps)[..., None].astype("float32")


def reviews(n: int, length: int, seed: int) -> ToyTask:
    """Many-to-one: word ids of a review; label 1 when it has more good words than bad ones.

    Each review gets up to 4 good and 4 bad words (ties are redrawn, so every
    review has a right answer), neutral words elsewhere, in a random order.
    """
    rng = np.random.default_rng(seed)
    n_good, n_bad = _untied_counts(rng, n, max_each=min(length, 4), length=length)
    position = np.arange(length)[None, :]  # (1, T)
    kind = np.where(position < n_good[:, None], 0, np.where(position < (n_good + n_bad)[:, None], 1, 2))
    candidates = np.stack([rng.choice(_word_ids(words), size=(n, length))
                           for words in (GOOD_WORDS, BAD_WORDS, NEUTRAL_WORDS)])  # (3, n, T)
    texts = np.take_along_axis(candidates, kind[None], axis=0)[0]  # (n, T)
    texts = rng.permuted(texts, axis=1).astype("int32")
    labels = (n_good > n_bad).astype("float32")[:, None]
    return ToyTask(texts, labels, "binary_crossentropy", "accuracy")  # (n, T) -> (n, 1)


def _untied_counts(rng: np.random.Generator, n: int, max_each: int, length: int) -> tuple[np.ndarray, np.ndarray]:
    """``n`` pairs (good, bad) of word counts that differ and fit in ``length`` words."""
    chosen = np.empty((0, 2), dtype=int)
    while len(chosen) < n:
        draws = rng.integers(0, max_each + 1, size=(2 * n, 2))
        keep = (draws[:, 0] != draws[:, 1]) & (draws.sum(axis=1) <= length)
        chosen = np.concatenate([chosen, draws[keep]])
    return chosen[:n, 0], chosen[:n, 1]


def _word_ids(words: tuple[str, ...]) -> np.ndarray:
    return np.array([REVIEW_VOCAB.index(w) for w in words])


def running_maxima(n: int, length: int, seed: int) -> ToyTask:
    """Many-to-many: digits 0-9; label 1 at each step whose digit beats all earlier ones."""
    digits = np.random.default_rng(seed).integers(0, 10, size=(n, length))
    return ToyTask(digit_inputs(digits), new_maximum_flags(digits)[..., None],
                   "binary_crossentropy", "accuracy")  # (n, T, 1) -> (n, T, 1)


def digit_inputs(digits: np.ndarray) -> np.ndarray:
    """Digits (n, T) as the model reads them: scaled to [0, 1], one feature per step, (n, T, 1)."""
    return (digits / 9.0).astype("float32")[..., None]


def new_maximum_flags(digits: np.ndarray) -> np.ndarray:
    """1 where a digit is larger than every digit before it (the first step always is)."""
    before = np.maximum.accumulate(digits, axis=-1)
    flags = np.ones_like(digits, dtype="float32")
    flags[..., 1:] = (digits[..., 1:] > before[..., :-1]).astype("float32")
    return flags


def number_words(numbers: np.ndarray, digits: int = MAX_DIGITS) -> ToyTask:
    """Encoder-decoder: digits of each number in, its English words out (teacher forcing).

    The decoder input is the target shifted right behind <start>, so at every step
    the decoder sees the true previous word while training.
    """
    encoder_in = np.stack([encode_digits(str(v), digits) for v in numbers])  # (n, digits)
    target = np.zeros((len(numbers), words_for(digits)), dtype="int32")
    for row, value in enumerate(numbers):
        ids = [WORD_VOCAB.index(w) for w in spell_number(int(value)).split()] + [WORD_VOCAB.index("<end>")]
        target[row, : len(ids)] = ids
    decoder_in = np.concatenate(
        [np.full((len(numbers), 1), WORD_VOCAB.index("<start>"), dtype="int32"), target[:, :-1]], axis=1)
    return ToyTask([encoder_in, decoder_in], target, "sparse_categorical_crossentropy", "accuracy")


def words_for(digits: int) -> int:
    """Decoder steps for numbers of up to ``digits`` digits: the longest spelling's words and <end>.

    A number of sevens is spelled with the most words of its length (no
    zero left unsaid, no teen folded into one word).
    """
    return len(spell_number(int("7" * digits)).split()) + 1


def digit_count(numbers: np.ndarray) -> np.ndarray:
    """How many digits each number is written with (0 has one)."""
    return np.floor(np.log10(np.maximum(np.asarray(numbers), 1))).astype(int) + 1


def number_split(seed: int, digits: int = MAX_DIGITS) -> tuple[np.ndarray, np.ndarray]:
    """All numbers of up to ``digits`` digits, split once: the held-out numbers never appear in training.

    Each length from two digits up holds out ``HELD_OUT_PER_LENGTH`` numbers
    (at most ``HELD_OUT_SHARE`` of them), so every such length is scored. The
    ten one-digit numbers are all trained on: one held out would be a word the
    model never wrote alone, and one or two numbers make no score.
    """
    rng = np.random.default_rng(seed)
    train, test = [], []
    for length in range(1, digits + 1):
        numbers = np.arange(0 if length == 1 else 10 ** (length - 1), 10**length)
        held = 0 if length == 1 else min(HELD_OUT_PER_LENGTH, int(HELD_OUT_SHARE * len(numbers)))
        order = rng.permutation(numbers)
        train.append(order[held:])
        test.append(order[:held])
    return np.concatenate(train), np.concatenate(test)


def training_numbers(train_numbers: np.ndarray, n: int, seed: int) -> np.ndarray:
    """``n`` numbers drawn from ``train_numbers``, those of L digits L² times as often as one-digit ones.

    Drawn uniformly, six-digit numbers would be 90 % of the examples and the
    short ones almost never seen; drawn with every length alike, the long ones,
    which have the most to learn, got too few (the default three-digit task
    fell from 97 % to 86 % exact on unseen numbers).
    """
    rng = np.random.default_rng(seed)
    lengths = digit_count(train_numbers)
    present = np.unique(lengths)
    by_length = [train_numbers[lengths == length] for length in present]
    chosen = rng.choice(len(present), n, p=present**2 / (present**2).sum())  # a length for each example
    return np.array([by_length[i][rng.integers(len(by_length[i]))] for i in chosen])


def encode_digits(text: str, digits: int = MAX_DIGITS) -> np.ndarray:
    """'42' -> ids of its digits, right-aligned with zeros in front (digit d has id d + 1; 0 is padding)."""
    ids = [int(c) + 1 for c in text]
    return np.array([0] * (digits - len(ids)) + ids, dtype="int32")


def spell_number(value: int) -> str:
    """0 <= value < 1,000,000 in words, e.g. 342 -> 'three hundred forty two', 1005 -> 'one thousand five'."""
    thousands, rest = divmod(value, 1000)
    if thousands:
        return " ".join([_spell_hundreds(thousands), "thousand", *([_spell_hundreds(rest)] if rest else [])])
    return _spell_hundreds(value)


def _spell_hundreds(value: int) -> str:
    """0 <= value < 1000 in words."""
    hundreds, rest = divmod(value, 100)
    words = [ONES[hundreds], "hundred"] if hundreds else []
    if rest >= 20:
        words += [TENS[rest // 10]] + ([ONES[rest % 10]] if rest % 10 else [])
    elif rest or not words:
        words.append(ONES[rest])
    return " ".join(words)


def make_task(settings: ConnectionSettings, seed: int, n: int | None = None) -> ToyTask:
    """The toy task of ``settings.pattern`` with ``n`` examples (the setting by default)."""
    n = settings.num_examples if n is None else n
    length = settings.sequence_length
    if settings.pattern == "one_to_one":
        return circle_points(n, seed)
    if settings.pattern == "one_to_many":
        return sine_continuations(n, length, seed)
    if settings.pattern == "many_to_one":
        return reviews(n, length, seed)
    if settings.pattern == "many_to_many":
        return running_maxima(n, length, seed)
    train_numbers, _ = number_split(settings.seed, settings.digits)
    return number_words(training_numbers(train_numbers, n, seed), settings.digits)


def held_out_task(settings: ConnectionSettings, n: int = 500) -> ToyTask:
    """Fresh examples the model never trained on (another seed; unseen numbers for words)."""
    if settings.pattern == "encoder_decoder":
        return number_words(number_split(settings.seed, settings.digits)[1], settings.digits)
    return make_task(settings, seed=settings.seed + 10_000, n=n)


# ---------------------------------------------------------------- builders


def build_model(settings: ConnectionSettings) -> keras.Model:
    """The uncompiled Keras model of ``settings.pattern``."""
    if settings.pattern == "one_to_one":
        return build_one_to_one(settings.units)
    if settings.pattern == "encoder_decoder":
        return build_encoder_decoder(settings.cell, settings.units, settings.digits, settings.attention)
    builder = {"one_to_many": build_one_to_many, "many_to_one": build_many_to_one,
               "many_to_many": build_many_to_many}[settings.pattern]
    return builder(settings.cell, settings.units, settings.sequence_length)


def build_one_to_one(num_units: int) -> keras.Model:
    """One input vector, one output: a plain feed-forward net, no time axis at all."""
    inputs = keras.Input((2,), name="point")  # (batch, 2)
    hidden = keras.layers.Dense(num_units, activation="tanh", name="hidden")(inputs)
    outputs = keras.layers.Dense(1, activation="sigmoid", name="inside")(hidden)  # (batch, 1)
    return keras.Model(inputs, outputs, name="one_to_one")


def build_one_to_many(cell: str, num_units: int, sequence_length: int) -> keras.Model:
    """One input, copied to every step (RepeatVector), and one output per step."""
    inputs = keras.Input((2,), name="phase")  # (batch, 2)
    repeated = keras.layers.RepeatVector(sequence_length, name="repeat")(inputs)  # (batch, T, 2)
    states = CELLS[cell](num_units, return_sequences=True, name="recurrent")(repeated)  # (batch, T, units)
    outputs = keras.layers.Dense(1, name="value")(states)  # (batch, T, 1)
    return keras.Model(inputs, outputs, name="one_to_many")


def build_many_to_one(cell: str, num_units: int, sequence_length: int | None = None) -> keras.Model:
    """A sequence of word ids in, one probability out: only the last hidden state is used.

    The time axis defaults to None, so the trained model also reads longer reviews.
    """
    del sequence_length  # any length: the weights do not depend on it
    inputs = keras.Input((None,), dtype="int32", name="words")  # (batch, T)
    # mask_zero: <pad> steps are skipped, so reviews of many lengths can share one padded batch
    embedded = keras.layers.Embedding(len(REVIEW_VOCAB), 8, mask_zero=True, name="embedding")(inputs)  # (batch, T, 8)
    last_state = CELLS[cell](num_units, name="recurrent")(embedded)  # (batch, units)
    outputs = keras.layers.Dense(1, activation="sigmoid", name="positive")(last_state)  # (batch, 1)
    return keras.Model(inputs, outputs, name="many_to_one")


def build_many_to_many(cell: str, num_units: int, sequence_length: int | None = None) -> keras.Model:
    """A sequence in, one output per step from that step's hidden state."""
    del sequence_length
    inputs = keras.Input((None, 1), name="digits")  # (batch, T, 1)
    states = CELLS[cell](num_units, return_sequences=True, name="recurrent")(inputs)  # (batch, T, units)
    outputs = keras.layers.Dense(1, activation="sigmoid", name="is_new_max")(states)  # (batch, T, 1)
    return keras.Model(inputs, outputs, name="many_to_many")


def build_encoder_decoder(cell: str, num_units: int, digits: int = MAX_DIGITS, attention: bool = False
                          ) -> keras.Model:
    """Encoder reads the digits into states; decoder starts from the last one and writes the words.

    Without attention, everything the decoder knows of the number is the
    encoder's final state: a fixed-size summary, however many digits. With
    ``attention``, at every word the decoder also weighs each digit's encoder
    state by how well it matches its own state (additive scores, a softmax
    over the digits: layer ``attention``) and reads their mix beside it.
    Padding digits are masked, so they get no weight and the encoder skips them.
    """
    encoder_in = keras.Input((digits,), dtype="int32", name="digits")  # (batch, T_in)
    decoder_in = keras.Input((words_for(digits),), dtype="int32", name="previous_words")  # (batch, T_out)
    embedded = keras.layers.Embedding(11, 16, mask_zero=True, name="digit_embedding")(encoder_in)  # (batch, T_in, 16)
    states, *final = CELLS[cell](num_units, return_sequences=True, return_state=True, name="encoder")(embedded)
    words = keras.layers.Embedding(len(WORD_VOCAB), 16, name="word_embedding")(decoder_in)
    decoded = CELLS[cell](num_units, return_sequences=True, name="decoder")(
        words, initial_state=final)  # (batch, T_out, units)
    if attention:
        context, _ = keras.layers.AdditiveAttention(name="attention")([decoded, states], return_attention_scores=True)
        decoded = keras.layers.Concatenate(name="state_and_context")([decoded, context])  # (batch, T_out, 2 units)
    outputs = keras.layers.Dense(len(WORD_VOCAB), activation="softmax", name="next_word")(decoded)
    return keras.Model([encoder_in, decoder_in], outputs, name="encoder_decoder")


# ---------------------------------------------------------------- using a trained model


@dataclass(frozen=True)
class DecodedStep:
    """One step of greedy decoding: the word chosen, how sure the model was, and the runners-up."""

    step: int
    word: str
    probability: float
    candidates: tuple[tuple[str, float], ...] = ()  # the most likely words at this step, most likely first


START, END, PAD = WORD_VOCAB.index("<start>"), WORD_VOCAB.index("<end>"), WORD_VOCAB.index("<pad>")


def digits_of(model: keras.Model) -> int:
    """How many digits the encoder–decoder reads: its input's width."""
    return int(model.inputs[0].shape[1])


def number_step(model: keras.Model, numbers: list[int]) -> StepFn:
    """The step function of :mod:`core.decoding` for these numbers: prefixes of words in, next-word odds out.

    Without teacher forcing there is no true previous word: each step reads
    the words chosen before it. Running the decoder on the padded prefix is
    exact, because a recurrent decoder at step t only sees steps <= t.
    """
    digits = digits_of(model)
    encoder_in = np.stack([encode_digits(str(n), digits) for n in numbers])  # (numbers, digits)

    def predict_all(padded: np.ndarray) -> np.ndarray:
        return predict(model, [context_rows(encoder_in, len(padded)), padded])  # (rows, T_out, vocabulary)

    return prefix_step(predict_all, words_for(digits), PAD)


def greedy_decode(model: keras.Model, numbers: list[int], top_k: int = 3) -> list[list[DecodedStep]]:
    """Decode each number word by word, feeding the model its own previous choice; each step's top words kept."""
    decoded = decode_greedily(number_step(model, numbers), len(numbers), START, END, words_for(digits_of(model)),
                              top_k)
    return [[DecodedStep(step.position, WORD_VOCAB[step.chosen.token], step.chosen.probability,
                         tuple((WORD_VOCAB[c.token], c.probability) for c in step.candidates))
             for step in result.steps] for result in decoded]


def beam_decode(model: keras.Model, number: int, width: int = 3) -> BeamResult:
    """Beam search for one number: the ``width`` most likely spellings, and each step's candidates."""
    return beam_search(number_step(model, [number]), START, END, words_for(digits_of(model)), width)


def spelled(tokens: tuple[int, ...]) -> str:
    """A decoded word sequence as text, without <end>."""
    return " ".join(WORD_VOCAB[t] for t in tokens if t not in (START, END, PAD))


def decoded_text(steps: list[DecodedStep]) -> str:
    """The words of a decoding, without the <end> marker."""
    return " ".join(s.word for s in steps if not s.word.startswith("<"))


def attention_weights(model: keras.Model, number: int, steps: list[DecodedStep]) -> np.ndarray | None:
    """Where the decoder looked while writing each word of ``steps``: (words, digits), each row sums to one.

    Read from the model's own attention layer, fed the words it chose
    (as it was while choosing them); the columns are the number's digits,
    padding left out. None for a model without attention.
    """
    if "attention" not in [layer.name for layer in model.layers]:
        return None
    reader = keras.Model(model.inputs, model.get_layer("attention").output[1])  # shares the model's weights
    digits, length = digits_of(model), words_for(digits_of(model))
    previous = np.full((1, length), PAD, dtype="int32")
    shown = [START, *(WORD_VOCAB.index(s.word) for s in steps)][:length]
    previous[0, : len(shown)] = shown
    weights = predict(reader, [encode_digits(str(number), digits)[None], previous])[0]  # (T_out, digits)
    return weights[: len(steps), digits - len(str(number)) :]  # (words, the number's digits)


@dataclass(frozen=True)
class ConnectionResult:
    """What the page shows beyond the curves and the held-out score.

    Many-to-one: accuracy on reviews of other lengths. Encoder–decoder:
    exact match on unseen numbers by their number of digits, and with
    attention on, the same model trained without attention beside it.
    """

    accuracy_by_length: dict[int, float] | None = None  # review length or digits -> accuracy (exact match)
    without_attention: dict[int, float] | None = None  # digits -> exact match of the model without attention
    verdict: Verdict | None = None  # attention against none, number by number


def fit_pattern(settings: ConnectionSettings, task: ToyTask,
                on_epoch_end: EpochFn | None = None) -> TrainResult[ConnectionResult]:
    """Train the pattern's model on ``task``, then score it on held-out examples.

    Everything shown about a trained model is computed here, once, so a rerun
    of the page only reads it from the cached result.
    """
    result = train(lambda: build_model(settings), task.x, task.y, settings, loss=task.loss,
                   metrics=[task.metric], on_epoch_end=on_epoch_end)
    scores = held_out_scores(settings, result.model)
    if settings.pattern == "encoder_decoder":
        return replace(result, scores=scores, details=_spelling_result(settings, task, result.model, on_epoch_end))
    by_length = (accuracy_by_length(result.model, LENGTHS_TO_TRY, settings.seed)
                 if settings.pattern == "many_to_one" else None)
    return replace(result, scores=scores, details=ConnectionResult(by_length))


def _spelling_result(settings: ConnectionSettings, task: ToyTask, model: keras.Model,
                     on_epoch_end: EpochFn | None) -> ConnectionResult:
    """Exact match by digits on the unseen numbers; with attention, the same without it trained and compared."""
    numbers = number_split(settings.seed, settings.digits)[1]
    right = spelled_right(model, numbers)
    if not settings.attention:
        return ConnectionResult(exact_match_by_digits(numbers, right))
    tell(on_epoch_end, "Training the same model without attention, to compare…")
    plain = train(lambda: build_model(replace(settings, attention=False)), task.x, task.y, settings,
                  loss=task.loss, metrics=[task.metric], on_epoch_end=on_epoch_end).model
    plain_right = spelled_right(plain, numbers)
    comparison = compare(right, plain_right, "exact match", higher_is_better=True, seed=settings.seed)
    return ConnectionResult(exact_match_by_digits(numbers, right), exact_match_by_digits(numbers, plain_right),
                            verdict(comparison, "model with attention", "the same model without attention",
                                    f"{len(numbers)} unseen numbers", percent_metric=True))


def spelled_right(model: keras.Model, numbers: np.ndarray) -> np.ndarray:
    """Whether the model's greedy spelling of each number is exactly its words: (numbers,) bool."""
    decoded = [decoded_text(steps) for steps in greedy_decode(model, list(numbers), top_k=1)]
    return np.array([d == spell_number(int(n)) for d, n in zip(decoded, numbers, strict=True)])


def exact_match_by_digits(numbers: np.ndarray, right: np.ndarray) -> dict[int, float]:
    """The share spelled right among the numbers of each length."""
    lengths = digit_count(numbers)
    return {int(length): float(right[lengths == length].mean()) for length in np.unique(lengths)}


def task_name(settings: ConnectionSettings) -> str:
    """The task a run of these settings is scored on: runs of one task can be compared, others cannot."""
    title = PATTERN_TITLES[settings.pattern]
    if settings.pattern == "encoder_decoder":
        return f"{title}, numbers of up to {settings.digits} digits"
    uses_length = settings.pattern in ("one_to_many", "many_to_one", "many_to_many")
    return f"{title}, sequences of {settings.sequence_length}" if uses_length else title


def beam_story(beam: BeamResult, greedy: list[DecodedStep]) -> str:
    """What beam search added to greedy decoding for this number, from the two results."""
    best, greedy_text = spelled(beam.sequences[0].tokens), decoded_text(greedy)
    agrees = ("its best spelling is the greedy one" if best == greedy_text
              else f"its best spelling differs from the greedy one (“{greedy_text}”)")
    return (f"Beam search kept the {beam.width} most likely beginnings at every step and finished "
            f"{len(beam.sequences)} spellings, most likely first: {agrees}.")


def attention_story(weights: np.ndarray, steps: list[DecodedStep], number: int) -> str:
    """The attention heatmap's caption: for each word, the digit it weighed most, read from the weights."""
    digits = str(number)
    looks = [f"“{step.word}” → {digits[i]} (digit {i + 1}, {row[i]:.0%})"
             for step, row in zip(steps, weights, strict=True) if not step.word.startswith("<")
             for i in [int(row.argmax())]]
    return ("Each row is one word the decoder wrote; each column one digit of the number; the colour is the share "
            "of its attention on that digit while choosing that word (each row sums to one). Where each word "
            "looked most: " + "; ".join(looks) + ".")


def digits_story(spelling: ConnectionResult) -> str:
    """The by-digits chart's caption, from the scores: where the fixed-size final state stops being enough."""
    scores = spelling.accuracy_by_length
    longest = max(scores)
    if spelling.without_attention is None:
        return (f"Exact match on unseen numbers of each length: {scores[longest]:.0%} at {longest} digits. Switch "
                "Attention on to train the same model with and without it, side by side.")
    plain = spelling.without_attention
    return (f"Exact match on unseen numbers of each length. At {longest} digits: {scores[longest]:.0%} with "
            f"attention, {plain[longest]:.0%} without, where everything the decoder knows of the number has to "
            f"pass through the encoder's one final state. {spelling.verdict.sentence}")


def held_out(result: TrainResult) -> HeldOut | None:
    """The held-out score where higher is better (accuracy, exact match), for diagnosis; None for errors."""
    name, score = next(iter(result.scores.items()))
    return None if lower_is_better(name) else HeldOut({"model": score})


def held_out_scores(settings: ConnectionSettings, model: keras.Model) -> dict[str, float]:
    """The score of each pattern on examples it never trained on, under a plain name."""
    if settings.pattern == "encoder_decoder":
        return {"exact match": float(spelled_right(model, number_split(settings.seed, settings.digits)[1]).mean())}
    task = held_out_task(settings)
    predicted = predict(model, task.x)
    if settings.pattern == "one_to_many":
        return {"mean abs error": float(np.mean(np.abs(predicted - task.y)))}
    return {"accuracy": float(np.mean((predicted > 0.5) == (task.y > 0.5)))}


def accuracy_by_length(model: keras.Model, lengths: tuple[int, ...], seed: int, n: int = 300) -> dict[int, float]:
    """Many-to-one accuracy on fresh reviews of each length, trained length or not.

    All lengths go through the model in one batch, left-padded with <pad> (which
    the model masks out): one compiled predict instead of one per length.
    """
    tasks = [reviews(n, length, seed + length) for length in lengths]
    padded = np.zeros((n * len(lengths), max(lengths)), dtype="int32")  # (n * lengths, T_max)
    for index, task in enumerate(tasks):
        padded[index * n : (index + 1) * n, -task.x.shape[1] :] = task.x
    predicted = predict(model, padded).reshape(len(lengths), n)
    truth = np.stack([task.y[:, 0] for task in tasks])  # (lengths, n)
    correct = (predicted > 0.5) == (truth > 0.5)
    return {length: float(c.mean()) for length, c in zip(lengths, correct, strict=True)}


def inside_probability(model: keras.Model, x: float, y: float) -> float:
    """One-to-one: the model's probability that the point (x, y) lies inside the unit circle."""
    return float(predict(model, np.array([[x, y]], dtype="float32"))[0, 0])


def continue_wave(model: keras.Model, phase: float) -> np.ndarray:
    """One-to-many: the model's continuation of the wave from ``phase``, one value per step (as in training)."""
    return predict(model, phase_inputs(np.array([phase])))[0, :, 0]


def positive_probability(model: keras.Model, ids: np.ndarray) -> float:
    """Many-to-one: the model's probability that a review (word ids, shape (1, T)) is positive."""
    return float(predict(model, ids)[0, 0])


def new_maximum_probabilities(model: keras.Model, digits: np.ndarray) -> np.ndarray:
    """Many-to-many: for each digit, the model's probability that it beats every digit before it."""
    return predict(model, digit_inputs(digits[None]))[0, :, 0]


def review_ids(text: str) -> tuple[np.ndarray, list[str]]:
    """Word ids of a typed review, and the words the model has never seen (read as <unk>)."""
    words = text.lower().split()
    unknown = sorted({w for w in words if w not in REVIEW_VOCAB})
    ids = [REVIEW_VOCAB.index(w) if w in REVIEW_VOCAB else REVIEW_VOCAB.index("<unk>") for w in words]
    return np.array([ids], dtype="int32"), unknown  # (1, T)


def parse_digits(text: str) -> np.ndarray:
    """'3 1 4 1 5' or '31415' -> the digits, or a ValueError saying what to type."""
    cleaned = text.replace(",", " ").split()
    tokens = cleaned if len(cleaned) > 1 else list("".join(cleaned))
    if not tokens or not all(t.isdigit() and len(t) == 1 for t in tokens):
        raise ValueError(f"Type single digits 0-9, separated by spaces (e.g. '3 1 4 1 5'); got {text!r}.")
    return np.array([int(t) for t in tokens])


def parse_number(text: str, digits: int = MAX_DIGITS) -> int:
    """A whole number of at most ``digits`` digits, or a ValueError saying what to type."""
    cleaned = text.strip().replace(",", "")
    if not cleaned.isdigit() or len(cleaned.lstrip("0") or "0") > digits:
        shown = text if len(text) <= 40 else f"{text[:40]}… ({len(text)} characters)"
        raise ValueError(f"Type a whole number from 0 to {10**digits - 1:,} (the model reads at most {digits} "
                         f"digits); got {shown!r}.")
    return int(cleaned)


def layer_table(model: keras.Model, batch_size: int, sequence_length: int) -> list[dict[str, object]]:
    """Each layer's type, output shape and parameter count, with None shown as real sizes.

    Keras prints ``None`` for the batch axis and for a free time axis; a newcomer
    learns more from the actual numbers of the batch they would train on.
    """
    rows = []
    for layer in model.layers:
        shapes = [tuple(t.shape) for t in keras.tree.flatten(layer.output)]
        rows.append({
            "layer": layer.name,
            "type": type(layer).__name__,
            "output shape": _concrete(shapes[0], batch_size, sequence_length),  # first output (states follow)
            "parameters": layer.count_params(),
        })
    return rows


def _concrete(shape: tuple, batch_size: int, sequence_length: int) -> str:
    sizes = [batch_size if i == 0 else (sequence_length if d is None else d) for i, d in enumerate(shape)]
    return "(" + ", ".join(str(s) for s in sizes) + ")"
