"""Research (issue 20): does another way of mixing, or another network, lift the model's accuracy past Kneser–Ney?

Trains the page's network (or several, seeds averaged) through ``core.text``'s split, vocabulary and trainer, keeps
the network's, the n-gram's and a document cache's distributions on the validation and test pairs, and scores
several mixing rules on the same test pairs, each rule's free numbers chosen on validation only, its accuracy
compared with Kneser–Ney's by the page's verdict rule (paired bootstrap over documents). Training once and scoring
every rule on the same distributions separates the rules from training noise.

Rules: ``loglik`` (the page's: the network's weight with the lowest validation log loss), ``accuracy`` (the weight
with the best validation accuracy, since accuracy is the verdict's metric), both again with a document cache
(Kuhn & De Mori 1990: the share of each word among the earlier words of the same document) as a third part, and
``gate_loglik``: a network weight of its own for each context, sigmoid of a linear function of each scorer's top
probability and entropy, fitted to the validation log loss; ``tempered_loglik``: the network's distribution first
sharpened or softened by the temperature with its lowest validation log loss, then ``loglik``.

Usage: ``.venv/bin/python -m bench.textmix 'JSON' TEXT ...``, JSON: ``TextSettings`` fields to change, plus
``patience`` (early stopping on validation loss, 0: none), ``ensemble`` (plain networks averaged) and
``residual`` (k > 0: a network that learns a correction to an n-gram cross-fitted over k folds, see
:func:`residual_network`; with ``ensemble`` too, it and the plain networks are averaged); TEXT: builtin or a name
of bench.texts. One JSON line per text to stdout and to bench/out/textmix.jsonl.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import time
from collections.abc import Callable

import keras
import numpy as np

from bench.texts import FOLDER, ROOT, write_texts
from core import text as tx
from core.datasets import load_builtin_descriptions
from core.next_token import UNKNOWN_INDEX, tally
from core.ngram import MAX_ORDER, KneserNey, NgramCounts, choose_kneser_ney, windows
from core.recurrent import recurrent_stack
from core.training import predict, train
from core.verdicts import compare

RAW = ROOT / "bench" / "out" / "textmix.jsonl"
CACHE_WEIGHTS = (0.0, 0.05, 0.1, 0.15, 0.2, 0.3)  # the document cache's share, chosen on validation with the mix
TEMPERATURES = (0.8, 1.0, 1.25, 1.5, 2.0, 2.5, 3.0)  # the network's, chosen on validation log loss before mixing


def documents_of(name: str) -> list[str]:
    """The documents of text ``name``, read as the command line reads a file."""
    if name == "builtin":
        return load_builtin_descriptions()
    return tx.split_lines((FOLDER / f"{name}.txt").read_text(), name)


def cache_probabilities(documents: np.ndarray, targets: np.ndarray, size: int) -> np.ndarray:
    """(pairs, V): each known token's share among the earlier tokens of the same document (a zero row: none yet).

    Pairs come in document order, so a running count reset at each new document
    sees only what a reader of that document has already read.
    """
    p, running = np.zeros((len(targets), size)), np.zeros(size)
    for i, target in enumerate(targets):
        if i == 0 or documents[i] != documents[i - 1]:
            running[:] = 0
        if running.sum():
            p[i] = running / running.sum()
        if target > UNKNOWN_INDEX:
            running[target] += 1
    return p


@dataclasses.dataclass(frozen=True)
class Parts:
    """One held-out part's pairs and the three distributions every rule mixes."""

    held: tx.HeldOut
    network: np.ndarray  # (pairs, V), the networks' mean
    ngram: np.ndarray  # (pairs, V), the Kneser–Ney n-gram chosen on validation
    cache: np.ndarray  # (pairs, V), the document cache

    def mix(self, weight: float, cache_weight: float = 0.0) -> np.ndarray:
        """weight · network + (1 − weight) · n-gram, then the cache's share where the document has a past."""
        base = weight * self.network + (1 - weight) * self.ngram
        has_past = self.cache.sum(axis=1, keepdims=True) > 0
        return np.where(has_past, (1 - cache_weight) * base + cache_weight * self.cache, base)

    def accuracy(self, p: np.ndarray) -> float:
        return float(tx.first_guess_hits(p, self.held.targets).mean())

    def log_loss(self, p: np.ndarray) -> float:
        return tally(p, self.held.targets).log_loss


def tempered(p: np.ndarray, temperature: float) -> np.ndarray:
    """``p`` with its logits divided by ``temperature``: the same first guess, more (T > 1) or less certain."""
    q = np.power(np.clip(p, 1e-12, None), 1 / temperature)
    return q / q.sum(axis=1, keepdims=True)


def calibrated(validation: Parts, test: Parts) -> tuple[float, Parts, Parts]:
    """The temperature that gives the network alone its lowest validation log loss, and both parts with it.

    A network trained past its validation-loss minimum keeps improving its first
    guesses while growing overconfident; the temperature undoes the confidence
    only, so the mix (chosen by log loss) is not pushed away from its guesses.
    """
    best = min(TEMPERATURES, key=lambda t: validation.log_loss(tempered(validation.network, t)))
    return best, *(dataclasses.replace(part, network=tempered(part.network, best)) for part in (validation, test))


def gate_features(network: np.ndarray, ngram: np.ndarray) -> np.ndarray:
    """(pairs, 5): what a per-context weight may read: each scorer's top probability and entropy, and a constant."""
    def entropy(p: np.ndarray) -> np.ndarray:
        return -(p * np.log(np.clip(p, 1e-12, None))).sum(axis=1)

    return np.column_stack([np.ones(len(network)), np.log(network.max(axis=1)), np.log(ngram.max(axis=1)),
                            entropy(network), entropy(ngram)])


def fit_gate(validation: Parts) -> np.ndarray:
    """The per-context network weight sigmoid(features · θ) with the lowest validation log loss (known targets)."""
    from scipy.optimize import minimize

    held = validation.held
    known = held.targets != UNKNOWN_INDEX
    rows, targets = np.flatnonzero(known), held.targets[known]
    features = gate_features(validation.network, validation.ngram)[rows]
    chosen = validation.network[rows, targets], validation.ngram[rows, targets]
    real = (1 - validation.network[rows, :2].sum(axis=1), 1 - validation.ngram[rows, :2].sum(axis=1))

    def loss(theta: np.ndarray) -> float:
        w = 1 / (1 + np.exp(-features @ theta))
        return float(-np.log(np.clip((w * chosen[0] + (1 - w) * chosen[1]) / (w * real[0] + (1 - w) * real[1]),
                                     1e-12, None)).sum())

    return minimize(loss, np.zeros(features.shape[1]), method="L-BFGS-B").x


def gated(part: Parts, theta: np.ndarray) -> np.ndarray:
    """The mix with each pair's own network weight, sigmoid(features · θ)."""
    w = 1 / (1 + np.exp(-gate_features(part.network, part.ngram) @ theta))[:, None]
    return w * part.network + (1 - w) * part.ngram


def cross_fitted_log_ngram(prepared: tx.PreparedText, order: int, discount: float, folds: int) -> np.ndarray:
    """(training pairs, V) float32: ln p_Kneser–Ney for each training pair from n-grams counted on the other folds.

    Counted on the whole training text, the n-gram would know every training
    pair by heart, and a network trained beside it would learn nothing about
    where it fails on new text; counted on the other folds (documents
    dealt round-robin), it fails as it will on held-out documents.
    """
    documents, size = prepared.train_documents, prepared.vocabulary.size
    short, _ = windows(documents, MAX_ORDER - 1)
    fold = tx.pair_documents(documents) % folds
    log_p = np.zeros((len(short), size), np.float32)
    for f in range(folds):
        counts = NgramCounts.count([d for i, d in enumerate(documents) if i % folds != f], size)
        rows = np.flatnonzero(fold == f)
        for start in range(0, len(rows), 4096):
            chunk = rows[start : start + 4096]
            log_p[chunk] = np.log(np.clip(KneserNey(counts, order, discount).probabilities(short[chunk]), 1e-9, None))
    return log_p


def residual_network(size: int, settings: tx.TextSettings) -> keras.Model:
    """The page's network whose softmax reads its own logits plus ln p_Kneser–Ney: it learns a correction."""
    context = keras.Input((settings.context_length,), dtype="int32", name="context")
    log_ngram = keras.Input((size,), name="log_ngram")  # (batch, V)
    embedded = keras.layers.Embedding(size, settings.embedding_dim, name="embedding")(context)
    hidden = recurrent_stack(embedded, settings.cell, settings.units, settings.layers, settings.dropout)
    logits = keras.layers.Dense(size, name="correction")(hidden)
    outputs = keras.layers.Softmax()(keras.layers.Add()([logits, log_ngram]))
    return keras.Model([context, log_ngram], outputs)


def trained_residual(prepared: tx.PreparedText, settings: tx.TextSettings, kneser_ney: KneserNey,
                     validation: tx.HeldOut, patience: int, folds: int):
    """The residual network trained on cross-fitted n-gram inputs, validated with the full n-gram's."""
    log_train = cross_fitted_log_ngram(prepared, kneser_ney.order, kneser_ney.discount, folds)
    log_validation = np.log(np.clip(kneser_ney.probabilities(validation.short_windows), 1e-9, None)).astype(np.float32)
    return train(lambda: residual_network(prepared.vocabulary.size, settings), [prepared.x_train, log_train],
                 prepared.y_train, settings, loss="sparse_categorical_crossentropy", early_stopping_patience=patience,
                 validation=([prepared.x_validation, log_validation], prepared.y_validation))


def trained_networks(prepared: tx.PreparedText, settings: tx.TextSettings, patience: int, members: int) -> list:
    """``members`` networks of the page's design, seeds ``seed``, ``seed + 1``, …, early stopping as asked."""
    def build():
        return tx.build_text_model(prepared.vocabulary.size, settings.context_length, settings.embedding_dim,
                                   settings.cell, settings.units, settings.layers, settings.dropout)

    return [train(build, prepared.x_train, prepared.y_train, dataclasses.replace(settings, seed=settings.seed + k),
                  loss="sparse_categorical_crossentropy", early_stopping_patience=patience,
                  validation=(prepared.x_validation, prepared.y_validation)) for k in range(members)]


PLAIN = [(w, 0.0) for w in tx.MIX_WEIGHTS]  # (network weight, cache weight) pairs without the cache
CACHED = [(w, c) for w in tx.MIX_WEIGHTS for c in CACHE_WEIGHTS]


def best(validation: Parts, grid: list[tuple[float, float]],
         score: Callable[[np.ndarray], float]) -> tuple[float, float]:
    """The (network weight, cache weight) of ``grid`` whose mix scores highest on validation; ties go to the
    smaller weights."""
    return max(grid, key=lambda wc: (score(validation.mix(*wc)), -wc[1], -wc[0]))


def loglik(validation: Parts, grid: list[tuple[float, float]] = PLAIN) -> tuple[float, float]:
    """The page's rule: the weights with the lowest validation log loss."""
    return best(validation, grid, lambda p: -validation.log_loss(p))


def rules(validation: Parts) -> dict[str, tuple[float, float]]:
    """Each rule's (network weight, cache weight), chosen on validation."""
    return {"loglik": loglik(validation), "accuracy": best(validation, PLAIN, validation.accuracy),
            "cache_loglik": loglik(validation, CACHED), "cache_accuracy": best(validation, CACHED, validation.accuracy)}


def network_probabilities(prepared: tx.PreparedText, settings: tx.TextSettings, kneser_ney: KneserNey,
                          held: dict[str, tx.HeldOut], patience: int, members: int,
                          residual: int) -> tuple[dict[str, np.ndarray], int]:
    """Each held-out part's network distribution: the mean of ``members`` plain networks and, when ``residual``,
    the correction network; and the epochs the first of them ran."""
    found: list[dict[str, np.ndarray]] = []
    epochs = []
    if residual:
        result = trained_residual(prepared, settings, kneser_ney, held["validation"], patience, residual)
        log_ngram = {name: np.log(np.clip(kneser_ney.probabilities(h.short_windows), 1e-9, None)).astype(np.float32)
                     for name, h in held.items()}
        found.append({name: predict(result.model, [h.windows, log_ngram[name]], batch_size=1024)
                      for name, h in held.items()})
        epochs.append(len(result.history["loss"]))
    for result in trained_networks(prepared, settings, patience, members):
        found.append({name: predict(result.model, h.windows, batch_size=1024) for name, h in held.items()})
        epochs.append(len(result.history["loss"]))
    return {name: np.mean([f[name] for f in found], axis=0) for name in held}, epochs[0]


def run(name: str, overrides: dict) -> dict:
    """Train on text ``name`` with ``overrides``; every rule's test accuracy, gap to Kneser–Ney and perplexity."""
    overrides = dict(overrides)
    residual = int(overrides.pop("residual", 0))  # folds of the cross-fitted n-gram; 0: the plain network
    patience, members = overrides.pop("patience", 0), overrides.pop("ensemble", 0 if residual else 1)
    settings = dataclasses.replace(tx.TextSettings(), **overrides)
    started, cpu = time.perf_counter(), time.process_time()
    prepared = tx.prepare_text(documents_of(name), settings)
    size = prepared.vocabulary.size
    held = {"validation": tx.HeldOut.of(prepared.validation_documents, prepared.x_validation, prepared.y_validation),
            "test": tx.HeldOut.of(prepared.test_documents, prepared.x_test, prepared.y_test)}
    counts = NgramCounts.count(prepared.train_documents, size)
    kneser_ney = choose_kneser_ney(counts, held["validation"].short_windows, held["validation"].targets).model
    network, epochs = network_probabilities(prepared, settings, kneser_ney, held, patience, members, residual)
    train_cpu = time.process_time() - cpu
    parts = {name_: Parts(h, network[name_], kneser_ney.probabilities(h.short_windows),
                          cache_probabilities(h.documents, h.targets, size)) for name_, h in held.items()}
    test = parts["test"]
    groups = test.held.documents[test.held.targets != UNKNOWN_INDEX]
    kn_hits = tx.first_guess_hits(test.ngram, test.held.targets)

    def scored(p: np.ndarray) -> dict:
        found = compare(tx.first_guess_hits(p, test.held.targets), kn_hits, "accuracy", True, groups=groups,
                        seed=settings.seed)
        return {"acc": round(found.model, 4), "gap": round(100 * found.difference, 2),
                "low": round(100 * found.low, 2), "ppl": round(tally(p, test.held.targets).scores().perplexity, 1)}

    document = {"text": name, "settings": overrides | {"patience": patience, "ensemble": members,
                                                       "residual": residual},
                "vocabulary": size, "epochs": epochs, "train_cpu": round(train_cpu, 1), "kn": kneser_ney.name,
                "kn_acc": round(kn_hits.mean(), 4), "network": scored(test.network),
                "network_acc": round(test.accuracy(test.network), 4),
                "network_ppl": round(tally(test.network, test.held.targets).scores().perplexity, 1),
                "kn_ppl": round(tally(test.ngram, test.held.targets).scores().perplexity, 1)}
    for rule, (weight, cache_weight) in rules(parts["validation"]).items():
        document[rule] = {"w": weight, "c": cache_weight} | scored(test.mix(weight, cache_weight))
    document["gate_loglik"] = scored(gated(test, fit_gate(parts["validation"])))
    temperature, validation_t, test_t = calibrated(parts["validation"], test)
    weight, _ = loglik(validation_t)
    document["tempered_loglik"] = {"t": temperature, "w": weight} | scored(test_t.mix(weight))
    return document | {"seconds": round(time.perf_counter() - started, 1), "cpu": round(time.process_time() - cpu, 1)}

if __name__ == "__main__":
    write_texts()
    changes = json.loads(sys.argv[1])
    for text_name in sys.argv[2:]:
        result = run(text_name, changes)
        RAW.parent.mkdir(exist_ok=True)
        with RAW.open("a") as out:
            out.write(json.dumps(result) + "\n")
        print(json.dumps(result), flush=True)
