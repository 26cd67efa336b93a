"""Would the research's sequence recipe, mixed with Kneser–Ney, beat the n-gram past the noise? (issue 20)

Before porting the recipe into core/text.py, this scores it through the page's own split and scoring code:
``core.text.prepare_text`` (repeats removed, 80 / 10 / 10 by document), the network trained as
``bench.textmodels.corpus_recipe`` says (a target at every position, tied embeddings, dropout, cosine decay,
[START]), the Kneser–Ney order and discount and the mixture weight chosen on validation
(``core.text.mixture_weight``), every score and the verdict on test documents (``core.text.held_out_scores``,
``core.text.strongest_verdict``). Training stops after the epoch that passes ``--cpu`` CPU seconds (a loaded host).

Usage: ``.venv/bin/python -m bench.textseq [--cpu SECONDS] TEXT ...`` (TEXT: builtin or a name of bench.texts);
one JSON line per text, also appended to bench/out/textseq.jsonl.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
import time

import keras
import numpy as np

from bench import textmodels as tm
from bench.texts import ROOT
from core import text as tx
from core.ngram import BigramRule, NgramCounts, choose_kneser_ney
from core.training import predict, set_seed

RAW = ROOT / "bench" / "out" / "textseq.jsonl"


def train_network(prepared: tx.PreparedText, recipe: tm.Recipe) -> tuple[keras.Model, int]:
    """Fit the sequence model on training chunks (early stopping on validation chunks); return the window
    predictor and the epochs run."""
    size = prepared.vocabulary.size
    chunks = [tm.sequence_chunks(documents, recipe.context_length, size)
              for documents in (prepared.train_documents, prepared.validation_documents)]
    (x, y), validation = [(c[0].astype(np.int32), np.where(c[1] == 1, 0, c[1]).astype(np.int32)) for c in chunks]
    set_seed(recipe.seed)
    trained, predictor = tm.build_models(size, recipe)
    steps = recipe.epochs * -(-len(x) // recipe.batch_size)
    rate = keras.optimizers.schedules.CosineDecay(recipe.learning_rate, steps, alpha=0.1)
    trained.compile(optimizer=keras.optimizers.Adam(learning_rate=rate),
                    loss=keras.losses.SparseCategoricalCrossentropy(ignore_class=0))
    callbacks = [tm.TimeBudget(0, recipe.cpu_budget_s)]
    if recipe.patience:
        callbacks.append(keras.callbacks.EarlyStopping(monitor="val_loss", patience=recipe.patience,
                                                       restore_best_weights=True))
    history = trained.fit(x, y, batch_size=recipe.batch_size, epochs=recipe.epochs, validation_data=validation,
                          validation_batch_size=1024, callbacks=callbacks, verbose=0).history
    return predictor, len(history["loss"])


def held_out(documents: list[list[int]], length: int, size: int) -> tx.HeldOut:
    """The held-out pairs with the network's [START] windows (same pairs, same order as the n-gram's)."""
    contexts, targets = tm.start_windows(documents, length, size)
    return tx.HeldOut.of(documents, contexts.astype(np.int32), targets.astype(np.int32))


def run(name: str, cpu_budget_s: float) -> dict:
    """The recipe on text ``name`` through the page's split, mixture and verdict."""
    documents = tm.read_lines(name)
    started, cpu = time.perf_counter(), time.process_time()
    prepared = tx.prepare_text(documents, tx.TextSettings(max_vocabulary=5000, context_length=2))
    size = prepared.vocabulary.size
    long_documents = int(np.percentile([len(doc) for doc in prepared.train_documents], 90))
    recipe = dataclasses.replace(tm.corpus_recipe(sum(map(len, prepared.train_documents)), size, long_documents),
                                 cpu_budget_s=cpu_budget_s)
    network, epochs = train_network(prepared, recipe)
    train_cpu = time.process_time() - cpu
    counts = NgramCounts.count(prepared.train_documents, size)
    validation = held_out(prepared.validation_documents, recipe.context_length, size)
    kneser_ney = choose_kneser_ney(counts, validation.short_windows, validation.targets).model
    mixture = tx.Mixture(network, kneser_ney, tx.mixture_weight(network, kneser_ney, validation),
                         recipe.context_length)
    test = held_out(prepared.test_documents, recipe.context_length, size)
    bigram = BigramRule(counts)
    scorers = {"model": mixture.probabilities, "network": lambda w, _: predict(network, w, batch_size=1024),
               kneser_ney.name: lambda _, s: kneser_ney.probabilities(s),
               "bigram": lambda _, s: bigram.probabilities(s)}
    metrics, per_pair = tx.held_out_scores(scorers, test)
    metrics["bigram"] = dataclasses.replace(metrics["bigram"], perplexity=None)  # unseen pairs get p = 0
    found = tx.strongest_verdict(metrics, per_pair, test, [kneser_ney.name, "bigram"], 42)
    return {"text": name, "vocabulary": size, "recipe": dataclasses.asdict(recipe), "epochs_run": epochs,
            "weight": mixture.weight, "ngram": kneser_ney.name, "discount": kneser_ney.discount,
            "metrics": {k: dataclasses.asdict(m) for k, m in metrics.items()}, "verdict": found.as_json(),
            "train_cpu_seconds": train_cpu, "cpu_seconds": time.process_time() - cpu,
            "seconds": time.perf_counter() - started, "load": os.getloadavg()[0]}


def table(documents: list[dict]) -> str:
    """The runs as a markdown table: the mix, the network alone and the n-gram on test documents, the verdict."""
    head = ["text", "CPU budget", "epochs", "vocabulary", "known test tokens", "Kneser–Ney", "network weight",
            "model acc", "network acc", "KN acc", "model top-5", "KN top-5", "model ppl", "network ppl", "KN ppl",
            "gap (points, 95 % interval)", "verdict", "CPU s", "seconds", "load"]
    rows = []
    for d in documents:
        m, v = d["metrics"], d["verdict"]
        model, network, ngram = m["model"], m["network"], m[d["ngram"]]
        noise = ("too few documents" if v["interval"] is None
                 else "{:+.1f} to {:+.1f}".format(*(100 * x for x in v["interval"])))
        order = d["ngram"].removeprefix("kneser_ney_").replace("gram", "-gram")
        rows.append([d["text"].replace("_", " "), f"{d['recipe']['cpu_budget_s']:.0f}", str(d["epochs_run"]),
                     f"{d['vocabulary']:,}", f"{model['known_pairs']:,}", f"{order}, D {d['discount']}",
                     f"{d['weight']:.1f}", *(f"{x['accuracy']:.3f}" for x in (model, network, ngram)),
                     *(f"{x['top5_accuracy']:.3f}" for x in (model, ngram)),
                     *(f"{x['perplexity']:.1f}" for x in (model, network, ngram)),
                     f"{100 * v['difference']:+.1f} ({noise})", v["winner"],
                     f"{d['cpu_seconds']:.0f}", f"{d['seconds']:.0f}", f"{d['load']:.1f}"])
    return "\n".join("| " + " | ".join(r) + " |" for r in [head, ["---"] * len(head), *rows])


if __name__ == "__main__":
    arguments = sys.argv[1:]
    if arguments == ["--table"]:
        print(table([json.loads(line) for line in RAW.read_text().splitlines()]))
        sys.exit()
    budget = 45.0
    if arguments[:1] == ["--cpu"]:
        budget, arguments = float(arguments[1]), arguments[2:]
    for text_name in arguments:
        document = run(text_name, budget)
        with RAW.open("a") as out:
            out.write(json.dumps(document) + "\n")
        m = document["metrics"]
        print(text_name, document["weight"], document["epochs_run"], {k: (round(v["accuracy"], 3),
              round(v["perplexity"] or 0, 1)) for k, v in m.items()}, document["verdict"]["winner"],
              round(100 * document["verdict"]["difference"], 1), f"{document['cpu_seconds']:.0f} CPU s",
              f"{document['seconds']:.0f} s", flush=True)
