"""Text generation: the page's defaults against the classic next-word recipe, on the built-in descriptions.

The classic recipe (as taught in many courses): pad every n-gram to the longest
line, Embedding 64, two SimpleRNN(100) layers, one-hot labels, 50 epochs,
batch 128, Adam at its default rate. Both are scored on the same held-out
descriptions; the time to beat is the classic's time to its final accuracy.
"""

from __future__ import annotations

from bench.worker import run_fresh

DEFAULTS = """
import json, sys, time
from core import datasets, text as tx
runs = int(sys.argv[1])
documents, settings = datasets.load_builtin_descriptions(), tx.TextSettings()
seconds, fit_seconds, curves = [], [], []
for _ in range(runs + 1):
    started, curve = time.perf_counter(), []
    prepared = tx.prepare_text(documents, settings)
    result = tx.fit_text_model(prepared, settings,
                               lambda epoch, logs: curve.append((time.perf_counter() - started, logs["val_accuracy"])))
    seconds.append(time.perf_counter() - started)
    fit_seconds.append(result.seconds)
    curves.append(curve)
print(json.dumps({"cold": seconds[0], "warm": seconds[1:], "warm_fit": fit_seconds[1:],
                  "metrics": result.details.metrics, "vocabulary": prepared.vocabulary.size,
                  "pairs": len(prepared.x_train), "validation_pairs": len(prepared.x_validation),
                  "curve": curves[-1]}))
"""

CLASSIC = """
import json, time
import keras, numpy as np
from dataclasses import replace
from core import datasets, text as tx
from core.training import set_seed
documents = datasets.load_builtin_descriptions()
longest = max(len(tx.tokenize(d, "word")) for d in documents)
settings = replace(tx.TextSettings(), context_length=longest, max_vocabulary=5000)
started = time.perf_counter()
prepared = tx.prepare_text(documents, settings)
size = prepared.vocabulary.size
set_seed(settings.seed)
model = keras.Sequential([keras.Input((longest,)), keras.layers.Embedding(size, 64),
                          keras.layers.SimpleRNN(100, return_sequences=True), keras.layers.SimpleRNN(100),
                          keras.layers.Dense(size, activation="softmax")])
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
curve = []
callback = keras.callbacks.LambdaCallback(
    on_epoch_end=lambda epoch, logs: curve.append((time.perf_counter() - started, float(logs["val_accuracy"]))))
model.fit(prepared.x_train, keras.utils.to_categorical(prepared.y_train, size), epochs=50, batch_size=128,
          validation_data=(prepared.x_validation, keras.utils.to_categorical(prepared.y_validation, size)),
          callbacks=[callback], verbose=0)
seconds = time.perf_counter() - started
probabilities = np.asarray(model.predict(prepared.x_validation, batch_size=1024, verbose=0))
from dataclasses import asdict
from core.next_token import next_token_scores
print(json.dumps({"seconds": seconds, "metrics": asdict(next_token_scores(probabilities, prepared.y_validation)),
                  "context": longest, "curve": curve}))
"""


def measure_defaults(warm_runs: int) -> dict:
    """The page's default model on the built-in corpus, in a fresh interpreter: cold, then warm runs."""
    return run_fresh(DEFAULTS, warm_runs)


def measure_classic() -> dict:
    """The classic recipe once (it takes minutes), in a fresh interpreter."""
    return run_fresh(CLASSIC)
