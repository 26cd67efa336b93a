"""Show the code: a short Python script that trains a page's model with plain Keras, NumPy and pandas.

Each script is made from the settings object the page trains from. The data
generators and model builders in it are the very functions the page runs,
copied in with :func:`inspect.getsource`, so the script cannot drift from the
page; only the glue around them (reading the file, the split, compile, fit,
evaluate) is written here, as short as Keras allows. A test runs every script
and checks it builds the page's architecture.
"""

from __future__ import annotations

import functools
import inspect
import textwrap
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from types import ModuleType
from typing import Any

from core import beyond, captioning, connections, corpus, forecasting, internals, scenes, text, video, vision
from core.recurrent import cells_line, recurrent_stack
from core.settings import as_dict

_SOURCE_READING = threading.Lock()  # see _sources
CELLS_LINE = cells_line()


@dataclass(frozen=True)
class Script:
    """A script to show and download, and the data file it reads (None when it makes its data).

    ``data`` makes that file's bytes when the app has them to offer beside the
    script (built-in or generated data); a visitor's own upload they already have.
    """

    filename: str
    text: str
    data_file: str | None = None
    data: Callable[[], bytes] | None = None


def _header(title: str, filename: str, reads: str | None) -> str:
    needs = f" Put {reads} next to it." if reads else ""
    return (f'"""{title}, as trained on the Sequence Lab page with the settings below.\n\n'
            f"Run it with: python {filename}.{needs} Needs keras (3), numpy and pandas.\n"
            '"""\n')


def _settings_block(settings: Any, names: list[str] | None = None) -> str:
    """The page's settings as constants, e.g. ``EPOCHS = 12``, in the settings object's order."""
    values = as_dict(settings)
    return "\n".join(f"{name.upper()} = {values[name]!r}" for name in names or values)


def _constants(module: ModuleType, *names: str) -> str:
    return "\n".join(f"{name} = {getattr(module, name)!r}" for name in names)


@functools.cache
def _sources(*functions: Any) -> str:
    """The source of each function or class, as the page runs it.

    Kept per set of functions: a page asks again on every rerun, and reading
    the source back cost about 10 ms a time; a reloaded module brings new
    function objects, so edited code is never shown stale. Read one set at a
    time: for a class, ``inspect.getsource`` parses its whole module with
    ``ast``, and CPython 3.11 fails now and then when two threads build an
    AST at once (``SystemError: AST constructor recursion depth mismatch``), as
    the threads of visitors opening a page together do.
    """
    with _SOURCE_READING:
        return "\n\n\n".join(inspect.getsource(f).rstrip() for f in functions)


def _join(*parts: str) -> str:
    """Sections separated by blank lines; each part dedented, so templates can be indented in this file."""
    return "\n\n".join(textwrap.dedent(p).strip("\n") for p in parts if p) + "\n"


def _script(filename: str, title: str, imports: str, settings: Any, sources: tuple[Any, ...], *body: str,
            setting_names: list[str] | None = None, constants: str = "", reads: str | None = None,
            data: Callable[[], bytes] | None = None) -> Script:
    """Every script's skeleton: docstring, imports, the settings as constants, the cell table and other
    constants, the page's own functions copied in, then ``body`` (the glue that reads, fits and scores)."""
    text = _join(_header(title, filename, reads), imports, _settings_block(settings, setting_names),
                 CELLS_LINE + (f"\n{constants}" if constants else ""), _sources(*sources), *body)
    return Script(filename, text, reads, data)


def _fit_block(x: str, y: str, validation: str, loss: str, metrics: str, model: str = "model") -> str:
    """Compile and fit lines; ``validation`` is the keyword argument that says what to validate on."""
    return f"""
        {model}.compile(optimizer=keras.optimizers.Adam(LEARNING_RATE), loss={loss}, metrics={metrics})
        {model}.fit({x}, {y}, {validation}, epochs=EPOCHS, batch_size=BATCH_SIZE)"""


# ---------------------------------------------------------------- connection types

_TASKS = {  # pattern -> (generator functions and constants they need, the call making the training task)
    "one_to_one": ((connections.circle_points,), (), "circle_points(NUM_EXAMPLES, SEED)",
                   "circle_points(500, SEED + 10_000)"),
    "one_to_many": ((connections.sine_continuations, connections.phase_inputs, connections.wave_after),
                    ("WAVE_STEP",), "sine_continuations(NUM_EXAMPLES, SEQUENCE_LENGTH, SEED)",
                    "sine_continuations(500, SEQUENCE_LENGTH, SEED + 10_000)"),
    "many_to_one": ((connections.reviews, connections._untied_counts, connections._word_ids),
                    ("GOOD_WORDS", "BAD_WORDS", "NEUTRAL_WORDS", "REVIEW_VOCAB"),
                    "reviews(NUM_EXAMPLES, SEQUENCE_LENGTH, SEED)", "reviews(500, SEQUENCE_LENGTH, SEED + 10_000)"),
    "many_to_many": ((connections.running_maxima, connections.digit_inputs, connections.new_maximum_flags), (),
                     "running_maxima(NUM_EXAMPLES, SEQUENCE_LENGTH, SEED)",
                     "running_maxima(500, SEQUENCE_LENGTH, SEED + 10_000)"),
    "encoder_decoder": ((connections.number_words, connections.words_for, connections.digit_count,
                         connections.number_split, connections.training_numbers, connections.encode_digits,
                         connections.spell_number, connections._spell_hundreds),
                        ("ONES", "TENS", "WORD_VOCAB", "MAX_DIGITS", "HELD_OUT_PER_LENGTH", "HELD_OUT_SHARE"),
                        "number_words(training_numbers(number_split(SEED, DIGITS)[0], NUM_EXAMPLES, SEED), DIGITS)",
                        "number_words(number_split(SEED, DIGITS)[1], DIGITS)  # numbers never seen in training"),
}
_BUILDERS = {  # pattern -> (its builder, the arguments it is called with)
    "one_to_one": ("build_one_to_one", "UNITS"),
    "one_to_many": ("build_one_to_many", "CELL, UNITS, SEQUENCE_LENGTH"),
    "many_to_one": ("build_many_to_one", "CELL, UNITS"),
    "many_to_many": ("build_many_to_many", "CELL, UNITS"),
    "encoder_decoder": ("build_encoder_decoder", "CELL, UNITS, DIGITS, ATTENTION"),
}


def connections_script(settings: connections.ConnectionSettings) -> Script:
    """The toy task of the chosen pattern, its model, training and a score on fresh examples."""
    functions, constants, make, held_out = _TASKS[settings.pattern]
    builder, arguments = _BUILDERS[settings.pattern]
    return _script(
        f"{settings.pattern}.py", f"{connections.PATTERN_TITLES[settings.pattern]}: a toy task of this shape",
        "from dataclasses import dataclass\n\nimport keras\nimport numpy as np", settings,
        (connections.ToyTask, *functions, getattr(connections, builder)),
        f"""
        keras.utils.set_random_seed(SEED)  # same seed, same data, weights and shuffling
        task = {make}
        model = {builder}({arguments})
        model.summary()""",
        _fit_block("task.x", "task.y", "validation_split=0.2", "task.loss", "[task.metric]"),
        f"""
        test = {held_out}
        print("score on examples never trained on:", model.evaluate(test.x, test.y, return_dict=True))""",
        constants=_constants(connections, *constants))


# ---------------------------------------------------------------- RNN internals: the memory race


def memory_script(settings: internals.MemorySettings) -> Script:
    """SimpleRNN, LSTM and GRU trained on the recall task, each scored at every length."""
    return _script(
        "memory_race.py", "Remember a key through noise: SimpleRNN, LSTM and GRU", "import keras\nimport numpy as np",
        settings, (internals.recall_task, internals.build_memory_model),
        """
        x, keys, _ = recall_task(NUM_EXAMPLES, MEMORY_LENGTHS, NOISE, SEED)
        x_test, keys_test, lengths_test = recall_task(1500, MEMORY_LENGTHS, NOISE, SEED + 1)
        models = {}
        for cell in MEMORY_CELLS:
            keras.utils.set_random_seed(SEED)  # every cell starts from the same seed and data
            model = build_memory_model(cell, UNITS, max(MEMORY_LENGTHS))
            model.compile(optimizer=keras.optimizers.Adam(LEARNING_RATE), loss="sparse_categorical_crossentropy",
                          metrics=["accuracy"])
            model.fit(x, keys, validation_split=0.2, epochs=EPOCHS, batch_size=BATCH_SIZE, verbose=0)
            right = model.predict(x_test, verbose=0).argmax(axis=-1) == keys_test
            print(cell, {n: round(float(right[lengths_test == n].mean()), 3) for n in MEMORY_LENGTHS})
            models[cell] = model""",
        constants=_constants(internals, "MEMORY_CELLS", "MEMORY_LENGTHS", "MEMORY_KEYS"))


# ---------------------------------------------------------------- beyond recurrence


def beyond_script(settings: beyond.BeyondSettings) -> Script:
    """The five model families trained on the same task, each scored at every length; the TCN's receptive field."""
    return _script(
        "beyond_recurrence.py", "Beyond recurrence: SimpleRNN, LSTM, GRU, a TCN and a Transformer side by side",
        "import keras\nimport numpy as np\nfrom keras import ops", settings,
        (internals.recall_task, beyond.motif_task, beyond.make_task, beyond.features_of, beyond.task_lengths,
         beyond.LastStep, beyond.PositionalEncoding, recurrent_stack, beyond.build_recurrent, beyond.build_tcn,
         beyond.build_transformer, beyond.build_family, beyond.receptive_field),
        """
        lengths = task_lengths(LONGEST)
        x, y, _ = make_task(TASK, NUM_EXAMPLES, lengths, NOISE, SEED)
        x_test, y_test, lengths_test = make_task(TASK, TEST_PER_LENGTH * len(lengths), lengths, NOISE, SEED + 1)
        models = {}
        for family in FAMILIES:
            keras.utils.set_random_seed(SEED)  # every model starts from the same seed and data
            model = build_family(family, TASK, UNITS, TCN_LEVELS, KERNEL_SIZE)
            model.compile(optimizer=keras.optimizers.Adam(LEARNING_RATE), loss="sparse_categorical_crossentropy",
                          metrics=["accuracy"])
            model.fit(x, y, validation_split=0.2, epochs=EPOCHS, batch_size=BATCH_SIZE, verbose=0)
            right = model.predict(x_test, verbose=0).argmax(axis=-1) == y_test
            print(family, model.count_params(), "weights", {n: round(float(right[lengths_test == n].mean()), 3)
                                                           for n in lengths})
            models[family] = model
        print("TCN receptive field:", receptive_field(models["TCN"]), "steps")""",
        constants=_constants(internals, "MEMORY_KEYS") + "\n"
        + _constants(beyond, "SYMBOLS", "MOTIF", "MOST_MOTIFS", "SHORTEST", "CLASSES", "HEADS", "FAMILIES",
                     "TEST_PER_LENGTH"))


# ---------------------------------------------------------------- text generation


_SPLIT_SOURCES = (corpus.normalise, corpus.Deduplicated, corpus.deduplicate, corpus.block_count,
                  corpus.contiguous_blocks, corpus.held_out_indices, corpus.leaked_documents, corpus.SplitReport,
                  corpus.DocumentSplit, corpus.split_documents, corpus._too_little_message, text.TextSplit,
                  text.split_text)


def text_script(settings: text.TextSettings, data_file: str, column: str | None,
                data: Callable[[], bytes] | None = None, seed_text: str | None = None) -> Script:
    """Read the documents, remove repeats and hold out documents, build the vocabulary, pair, train, generate.

    The page then mixes the network with a Kneser–Ney n-gram (core/ngram.py);
    the script stops at the network, which is what the visitor tuned. It
    continues ``seed_text`` (the page's seed drawn from the text).
    """
    seed_text = _seed_example(settings.level) if seed_text is None else seed_text
    if column is None:
        read = f'documents = [line.strip() for line in open("{data_file}", encoding="utf-8") if line.strip()]'
    else:
        read = f'documents = pd.read_csv("{data_file}")["{column}"].dropna().astype(str).tolist()'
    unit = "word" if settings.level == "word" else "character"
    return _script(
        "next_word_model.py", "A next-word model",
        "import itertools\nimport re\nimport string\nimport unicodedata\nfrom collections import Counter\n"
        "from collections.abc import Sequence\nfrom dataclasses import dataclass\n\nimport keras\nimport numpy as np\n"
        "import pandas as pd", settings,
        (*_SPLIT_SOURCES, text.tokenize, text.ranked_tokens, text.make_pairs, recurrent_stack,
         text.build_text_model),
        f"""
        {read}
        split = split_text(documents, SEED)  # repeats removed first, then whole documents held out
        print(split.report.sentence())
        train_docs, validation_docs, test_docs = (
            [tokens for tokens in (tokenize(d, LEVEL) for d in part) if tokens]
            for part in (split.train, split.validation, split.test))
        vocabulary = ["", "[UNK]", *(t for t, _ in ranked_tokens(train_docs, MAX_VOCABULARY - 2, MIN_COUNT))]
        index = {{token: i for i, token in enumerate(vocabulary)}}  # 0 pads; 1 stands for every other token
        x_train, y_train = make_pairs([[index.get(t, 1) for t in d] for d in train_docs], CONTEXT_LENGTH)
        x_val, y_val = make_pairs([[index.get(t, 1) for t in d] for d in validation_docs], CONTEXT_LENGTH)

        keras.utils.set_random_seed(SEED)
        model = build_text_model(len(vocabulary), CONTEXT_LENGTH, EMBEDDING_DIM, CELL, UNITS, LAYERS, DROPOUT)
        model.summary()""",
        _fit_block("x_train", "y_train", "validation_data=(x_val, y_val)", '"sparse_categorical_crossentropy"',
                   '["accuracy"]'),
        f"""
        # Greedy generation: always the most likely next {unit} (never padding or [UNK])
        context = [index.get(t, 1) for t in tokenize({seed_text!r}, LEVEL)]
        for _ in range(15):
            window = np.array([([0] * CONTEXT_LENGTH + context)[-CONTEXT_LENGTH:]])
            context.append(int(model.predict(window, verbose=0)[0][2:].argmax()) + 2)
        print({'" "' if settings.level == 'word' else '""'}.join(vocabulary[i] for i in context))""",
        constants='_PUNCTUATION = re.compile(f"[{re.escape(string.punctuation)}]")\n'
                  + _constants(text, "HELD_OUT_SHARE", "MIN_COUNT") + "\n"
                  + _constants(corpus, "VALIDATION_SHARE", "MIN_DOCUMENTS", "BLOCK_WORDS", "MIN_BLOCKS", "MAX_BLOCKS",
                               "_WORD", "_DIGITS", "_LETTER"),
        reads=data_file, data=data)


def _seed_example(level: str) -> str:
    return "elegant dress" if level == "word" else "elegant"


# ---------------------------------------------------------------- sales forecasting


def forecast_script(settings: forecasting.ForecastSettings, series: forecasting.PreparedSeries, data_file: str,
                    date_column: str, value_column: str, product: str | None = None,
                    data: Callable[[], bytes] | None = None) -> Script:
    """Read the series as the page does, split it in time, scale on the training part, train, compare.

    Sizes the page chose from the data are written as chosen; 'auto' trains its difference network (one seed).
    The inputs the page's networks read (``series.input_columns``, the calendar) are read and used alike.
    """
    settings, _ = forecasting.resolve_settings(series, settings)
    settings = replace(settings, preprocessing=forecasting.learned(settings))
    select = f'table = table[table["product"] == "{product}"]  # one product of the built-in file' if product else ""
    return _script(
        "forecaster.py", "A sliding-window forecaster",
        "from dataclasses import dataclass\n\nimport keras\nimport numpy as np\nimport pandas as pd",
        settings, (forecasting.on_regular_grid, forecasting.calendar_features, forecasting.Split,
                   forecasting.split_origins, forecasting.fit_scaling, forecasting.fit_input_scaling,
                   forecasting.lag_of, forecasting.to_changes, forecasting.to_levels, forecasting.window_inputs,
                   forecasting.network_inputs, forecasting.make_windows, recurrent_stack,
                   forecasting.build_forecaster),
        f"""
        table = pd.read_csv("{data_file}")
        {select}
        dates = {READ_DATES.get(series.date_style, READ_DATES["iso"]).format(column=date_column)}
        series = on_regular_grid(dates, pd.to_numeric(table["{value_column}"]), "{series.frequency}")
        series = series.loc[series.first_valid_index() : series.last_valid_index()]  # empty ends left out
        values = series.interpolate(limit_direction="both").to_numpy(dtype=float)  # gaps filled as on the page
        # inputs known ahead (rows sharing a date averaged), on the values' dates, gaps filled alike
        inputs = pd.DataFrame({{name: on_regular_grid(dates, pd.to_numeric(table[name]), "{series.frequency}", "mean")
                               for name in INPUTS}}, index=series.index).interpolate(limit_direction="both")
        if CALENDAR:
            inputs = inputs.join(calendar_features(series.index, FREQUENCY_NAME))
        known = inputs.to_numpy(dtype=float)  # (points, inputs)

        # In time order: train | validation | test (TEST_SIZE points each); no forecast straddles two parts
        lag = lag_of(PREPROCESSING, SEASON)
        split = split_origins(len(values), WINDOW, HORIZON, lag, TEST_SIZE, TEST_SIZE)
        train_origins, test_origins = split.train, split.test
        changes = to_changes(values, PREPROCESSING, SEASON)
        mean, std = fit_scaling(changes[lag : split.validation_start])  # the training part only
        scaled = (changes - mean) / std
        centre, spread = fit_input_scaling(known[: split.validation_start])  # the training part only
        known = (known - centre) / spread

        def examples(origins):  # what the network reads from each origin, and the horizon it learns to forecast
            return network_inputs(scaled, known, origins, WINDOW, HORIZON), make_windows(scaled, origins, WINDOW,
                                                                                          HORIZON)[1]

        keras.utils.set_random_seed(SEED)
        model = build_forecaster(WINDOW, HORIZON, CELL, UNITS, LAYERS, DROPOUT, num_inputs=known.shape[1])
        model.summary()
        model.compile(optimizer=keras.optimizers.Adam(LEARNING_RATE), loss="mse", metrics=["mae"])
        stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=5, restore_best_weights=True)
        model.fit(*examples(train_origins), epochs=EPOCHS, batch_size=BATCH_SIZE,
                  validation_data=examples(split.validation), callbacks=[stop])

        truth = values[test_origins[:, None] + np.arange(1, HORIZON + 1)]
        changes_ahead = model.predict(examples(test_origins)[0], verbose=0) * std + mean
        forecast = to_levels(values, test_origins, changes_ahead, PREPROCESSING, SEASON)
        steps = np.arange(1, HORIZON + 1)
        one_season_ago = values[test_origins[:, None] + steps - SEASON * np.ceil(steps / SEASON).astype(int)]
        print("test MAE of the model:", np.abs(forecast - truth).mean())
        print("test MAE of 'same as one season ago':", np.abs(one_season_ago - truth).mean())""",
        setting_names=[n for n in as_dict(settings) if n not in ("backtest_folds", "seeds")],
        constants=f"INPUTS = {list(series.input_columns)!r}  # the file's columns the network reads beside the "
                  f"values\nFREQUENCY_NAME = {series.frequency_name!r}\n"
                  + _constants(forecasting, "CALENDAR_FEATURES"), reads=data_file, data=data)


# how the script reads each date style of core.dates (the page reads them with core.dates itself)
READ_DATES = {
    "year": 'pd.to_datetime(table["{column}"].astype(str).str[:4], format="%Y")',
    "quarter": 'pd.PeriodIndex(table["{column}"].str.replace(" ", "").str.upper(), freq="Q").to_timestamp()',
    "compact": 'pd.to_datetime(table["{column}"].astype(str), format="%Y%m%d")',
    "iso": 'pd.to_datetime(table["{column}"], format="mixed")',
}


# ---------------------------------------------------------------- video classification


def video_script(settings: video.VideoSettings) -> Script:
    """Generate the clips, train the CNN+RNN, the frame-only baseline and the 3D CNN, score all on unseen clips."""
    return _script(
        "video_classifier.py", "Video classification: a CNN+RNN, a frame-only baseline and a 3D CNN",
        "from typing import Any\n\nimport keras\nimport numpy as np", settings,
        (video.make_clip, video._draw, video.make_clips, vision.conv_grid, video.build_frame_cnn,
         video.build_cnn_rnn, video.build_frame_only, video.NeighbourFrames, video.build_cnn3d,
         video.temporal_field),
        """
        classes = CLASSES[:NUM_CLASSES]
        x, y = make_clips(classes, CLIPS_PER_CLASS, FRAMES, FRAME_SIZE, NOISE, SEED)
        x_test, y_test = make_clips(classes, TEST_CLIPS_PER_CLASS, FRAMES, FRAME_SIZE, NOISE, SEED + 1)

        keras.utils.set_random_seed(SEED)
        model = build_cnn_rnn(FRAMES, FRAME_SIZE, NUM_CLASSES, FILTERS, CONV_LAYERS, CELL, UNITS)
        model.summary()""",
        _fit_block("x", "y", "validation_split=0.2", '"sparse_categorical_crossentropy"', '["accuracy"]'),
        """
        keras.utils.set_random_seed(SEED)
        baseline = build_frame_only(FRAMES, FRAME_SIZE, NUM_CLASSES, FILTERS, CONV_LAYERS)""",
        _fit_block("x", "y", "validation_split=0.2", '"sparse_categorical_crossentropy"', '["accuracy"]',
                   model="baseline"),
        """
        keras.utils.set_random_seed(SEED)
        cnn3d = build_cnn3d(FRAMES, FRAME_SIZE, NUM_CLASSES, FILTERS, CONV_LAYERS, TEMPORAL_KERNEL)
        print("each output of the 3D CNN's convolutions sees", temporal_field(cnn3d), "neighbouring frames")""",
        _fit_block("x", "y", "validation_split=0.2", '"sparse_categorical_crossentropy"', '["accuracy"]',
                   model="cnn3d"),
        """
        shuffled = np.stack([clip[np.random.default_rng(i).permutation(FRAMES)] for i, clip in enumerate(x_test)])
        for name, trained in (("CNN+RNN", model), ("frame-only", baseline), ("3D CNN", cnn3d)):
            print(name, "on unseen clips:", trained.evaluate(x_test, y_test, return_dict=True))
            print(name, "on the same clips, frames shuffled:", trained.evaluate(shuffled, y_test, return_dict=True))""",
        constants=_constants(video, "CLASSES", "FEATURES", "TEST_CLIPS_PER_CLASS"))


# ---------------------------------------------------------------- image captioning


def caption_script(settings: captioning.CaptionSettings) -> Script:
    """Draw the scenes, train the captioner with teacher forcing, caption unseen scenes greedily, score them."""
    return _script(
        "image_captioner.py", "Image captioning: a CNN encodes the scene, a recurrent decoder writes the caption",
        "from __future__ import annotations\n\nimport functools\nfrom dataclasses import dataclass\n"
        "from typing import Any\n\nimport keras\nimport numpy as np", settings,
        (scenes.Shape, scenes.Scene, scenes.SceneStyle, scenes.scene_style, scenes.SceneSet, scenes.shape_mask,
         scenes._pixel_centres, scenes.place_shapes, scenes.paint_scene, scenes.add_noise, scenes.trained_pairs,
         scenes.random_scene, scenes.make_scenes, scenes.encode, scenes.teacher_forcing, scenes.words_of,
         vision.conv_grid, captioning.GridPositions, captioning.build_scene_encoder, captioning.build_caption_decoder,
         captioning.attend, captioning.build_captioner),
        """
        style = scene_style(NUM_COLOURS, NUM_KINDS, VARY_SIZE, NUM_SHAPES, HELD_OUT_PAIRS, IMAGE_SIZE, NOISE)
        x, y = teacher_forcing(make_scenes(style, NUM_SCENES, SEED), style)  # [images, previous words], next words

        keras.utils.set_random_seed(SEED)
        model = build_captioner(IMAGE_SIZE, style.max_words, FILTERS, CONV_LAYERS, CELL, UNITS, FEED, ATTENTION)
        model.summary()""",
        _fit_block("x", "y", "validation_split=0.2", '"sparse_categorical_crossentropy"', '["accuracy"]'),
        """
        # Greedy captions of unseen scenes: each word chosen is fed back as the next one's input
        test = make_scenes(style, TEST_SCENES, [SEED, 1])
        previous = np.full((TEST_SCENES, style.max_words + 1), PAD, dtype="int32")
        previous[:, 0] = START
        for position in range(style.max_words):
            previous[:, position + 1] = model.predict([test.images, previous], verbose=0)[:, position].argmax(-1)
        written = [words_of(row[1:]) for row in previous]
        truth = [scene.words(style.with_size) for scene in test.scenes]
        print("exact match on unseen scenes:", np.mean([w == t for w, t in zip(written, truth)]))
        for w, t in list(zip(written, truth))[:5]:
            print("model:", " ".join(w), "| truth:", " ".join(t))""",
        constants=_constants(scenes, "COLOURS", "KINDS", "SIZES", "RELATIONS", "VOCABULARY", "PAD", "START", "END")
        + "\n" + _constants(captioning, "WORD_VECTOR", "TEST_SCENES"))
