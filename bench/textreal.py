"""Text generation on real text (issue 20): the command line's defaults on the built-in descriptions and on four
real English texts, beside the bigram rule and the Kneser–Ney n-gram, written to bench/RESULTS.md.

Each text goes through ``python -m core text``'s own function (the page's code path: the honest split, the
network, the n-gram, the mixture chosen on validation, every score on test documents), in one process: the
built-in descriptions twice (cold, then warm), then each real text once (its vocabulary is a new shape, so its
time includes compiling the model). The texts come from the standard library and installed PyPI packages
(bench/texts.py), nothing downloaded.

Usage: ``.venv/bin/python -m bench.textreal [TEXT ...]`` (default: builtin and every text of bench.texts);
``--table`` writes the section again from the last run's raw results (bench/out/textreal.json).
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable

from bench import results
from bench.texts import FOLDER, ROOT, TEXTS, write_texts
from core.__main__ import parser, textgen_command
from core.verdicts import MIN_RELATIVE_GAIN

HEADING = "## Text generation on real text (issue 20)"
RAW = ROOT / "bench" / "out" / "textreal.json"  # every run's JSON document: ``--table`` rewrites the section from it


def run_text(name: str) -> dict:
    """The command line's JSON document for text ``name`` with every default, and the load while it ran."""
    argv = ["text", "--json"] if name == "builtin" else ["text", "--text", str(FOLDER / f"{name}.txt"), "--json"]
    cpu = time.process_time()
    document = textgen_command(parser().parse_args(argv))
    return document | {"text": name, "load": os.getloadavg()[0], "cpu_seconds": time.process_time() - cpu}


def row(document: dict, label: str) -> str:
    """One table row: the split, the scorers' test scores, the mixture, the verdict, the time."""
    metrics, split, mixture = document["metrics"], document["split"], document["mixture"]
    model, network, ngram, bigram = (metrics[k] for k in ("model", "network", mixture["ngram"], "bigram"))
    cells = [label, f"{split['duplicates_removed']:,}",
             f"{split['train_documents']:,} / {split['validation_documents']:,} / {split['test_documents']:,}",
             str(split["leaked_documents"]), f"{document['vocabulary_size']:,}",
             f"{model['unknown_target_share']:.3f}", f"{model['known_pairs']:,}",
             f"{mixture['ngram_order']}-gram, D {mixture['ngram_discount']}", f"{mixture['network_weight']:.1f}",
             *(f"{m['accuracy']:.3f}" for m in (model, network, ngram, bigram)),
             *(f"{m['top5_accuracy']:.3f}" for m in (model, network, ngram, bigram)),
             *(f"{m['perplexity']:.1f}" for m in (model, network, ngram)),
             document["verdict"]["winner"], perplexity_cell(document["perplexity_verdict"]),
             f"{document['seconds']:.1f}", f"{document['cpu_seconds']:.1f}",
             f"{document['load']:.1f}"]
    return "| " + " | ".join(cells) + " |"


def perplexity_cell(found: dict) -> str:
    """The perplexity verdict in a cell: "model, 14 % lower (9 to 19)"; the interval's ends in percent lower."""
    interval = found["interval"]
    ends = f" ({100 * interval[0]:.0f} to {100 * interval[1]:.0f})" if interval else " (too few documents)"
    return f"{found['winner']}, {100 * found['lower_by']:.0f} % lower{ends}"


def defaults(settings: dict) -> str:
    """The settings the command ran with, in words, read from its own JSON (so the text cannot drift from them)."""
    return (f"{settings['level']} level, window {settings['context_length']}, {settings['layers']} × "
            f"{settings['cell']} {settings['units']}, embedding {settings['embedding_dim']}, dropout "
            f"{settings['dropout']}, vocabulary: training words seen twice, at most {settings['max_vocabulary']:,}; "
            f"{settings['epochs']} epochs, batch {settings['batch_size']}, learning rate {settings['learning_rate']}")


def section(documents: list[tuple[str, dict]]) -> list[str]:
    head = ["text", "repeats removed", "train / validation / test documents", "leaked", "vocabulary",
            "unknown test targets", "known test tokens", "Kneser–Ney chosen", "network weight",
            "model acc", "network acc", "KN acc", "bigram acc", "model top-5", "network top-5", "KN top-5",
            "bigram top-5", "model ppl", "network ppl", "KN ppl", "verdict (accuracy, vs strongest)",
            "verdict (perplexity, vs KN; % lower, 95 % interval)",
            "seconds", "CPU seconds", "load"]
    return [HEADING, "", results.measured_on() + " The last column is the load average while each text ran: above "
            "2, other jobs shared the 2 cores and its seconds are pessimistic.", "",
            f"`python -m core text` with its defaults ({defaults(documents[0][1]['settings'])}), run in one process by "
            "`bench/textreal.py`. Every score is on the test documents (10 % of the distinct lines), which nothing "
            "was trained or chosen on; the Kneser–Ney order and discount and the network's weight in the mix "
            "are chosen on the validation documents (another 10 %). Accuracy, top-5 and perplexity are over known "
            "targets ([UNK] never credited); model = network mixed with Kneser–Ney. Seconds: prepare, train, count, "
            "mix and score; a real text's include compiling the model for its vocabulary. CPU seconds: the process's, "
            "all threads (JAX uses both cores), which the load inflates less than wall seconds. The package "
            "descriptions are made from the installed packages' METADATA (bench/texts.py), so they change when the "
            "environment's packages do; the other texts come from the standard library and NumPy / pandas.", "",
            "| " + " | ".join(head) + " |", "|" + "---|" * len(head),
            *(row(document, label) for label, document in documents), "", reading(documents), "",
            *targets(documents)]


def reading(documents: list[tuple[str, dict]]) -> str:
    """What the table says, counted from it: perplexity and accuracy against the n-gram, text by text."""
    real = [(label, d) for label, d in documents if not label.startswith("built-in")]
    builtin = [d for label, d in documents if label.startswith("built-in")]

    def better(d: dict, metric: str) -> bool:
        model, ngram = d["metrics"]["model"][metric], d["metrics"][d["mixture"]["ngram"]][metric]
        return model < ngram if metric == "perplexity" else model > ngram

    wins = [label for label, d in real if d["verdict"]["winner"] == "model"]
    gaps = ", ".join(f"{label} {100 * (d['verdict']['difference']):+.1f}" for label, d in real)
    network_behind = sum(d["metrics"]["network"]["accuracy"] < d["metrics"][d["mixture"]["ngram"]]["accuracy"]
                         for _, d in real)
    perplexity_wins = sum(d["perplexity_verdict"]["winner"] == "model" for _, d in real)
    return (f"Reading it: on the real texts the model (network + Kneser–Ney) has the lower perplexity on "
            f"{sum(better(d, 'perplexity') for _, d in real)} of {len(real)} (better by the verdict's rule on "
            f"{perplexity_wins}), the higher top-5 accuracy on "
            f"{sum(better(d, 'top5_accuracy') for _, d in real)} of {len(real)} and the higher accuracy on "
            f"{sum(better(d, 'accuracy') for _, d in real)} of {len(real)}; in accuracy the verdict (paired "
            f"bootstrap over documents, 1 point margin) calls it better on {len(wins)} of {len(real)} "
            f"({', '.join(wins) or 'none'}) and a tie elsewhere (gaps in points: {gaps}). The network alone has "
            f"a lower accuracy than Kneser–Ney on {network_behind} of {len(real)}. "
            + (f"On the built-in descriptions the verdict is: {builtin[-1]['verdict']['winner']}." if builtin else ""))


REAL_TEXT_LIMIT_S, BUILTIN_LIMIT_S = 60.0, 15.0  # the targets: a real text, the built-in descriptions warm


def targets(documents: list[tuple[str, dict]]) -> list[str]:
    """The issue's targets, each met or not met, counted from the table (no figure that is not in it)."""
    real = [(label, d) for label, d in documents if not label.startswith("built-in")]
    warm = [d for label, d in documents if label.endswith("(warm)")]

    def listed(rows: list[tuple[str, dict]], test: Callable[[dict], bool]) -> str:
        missed = [label for label, d in rows if not test(d)]
        left_out = f" (not met: {', '.join(missed)})" if missed else ""
        return f"met on {len(rows) - len(missed)} of {len(rows)}{left_out}"

    lines = [f"- Model better than the strongest n-gram in accuracy (the verdict: 95 % interval above 0 and at least "
             f"1 point): {listed(real, lambda d: d['verdict']['winner'] == 'model')}.",
             f"- Model better than Kneser–Ney in perplexity (the same rule: 95 % interval above 0 and at least "
             f"{MIN_RELATIVE_GAIN:.0%} lower): {listed(real, lambda d: d['perplexity_verdict']['winner'] == 'model')}.",
             f"- Each real text at most {REAL_TEXT_LIMIT_S:.0f} s: "
             f"{listed(real, lambda d: d['seconds'] <= REAL_TEXT_LIMIT_S)}, measured cold (compiling included, so "
             "an upper bound on a warm run)."]
    if warm:
        seconds = warm[-1]["seconds"]
        lines.append(f"- Built-in descriptions at most {BUILTIN_LIMIT_S:.0f} s warm: "
                     f"{'met' if seconds <= BUILTIN_LIMIT_S else 'not met'} ({seconds:.1f} s, "
                     f"{warm[-1]['cpu_seconds']:.1f} CPU s).")
    return ["Targets (issue 20):", "", *lines]


def main(names: list[str]) -> None:
    write_texts()
    documents = []
    for name in names:
        if name == "builtin":
            documents.append(("built-in descriptions (cold)", run_text(name)))
            documents.append(("built-in descriptions (warm)", run_text(name)))
        else:
            documents.append((name.replace("_", " "), run_text(name)))
        print(documents[-1][0], documents[-1][1]["verdict"]["sentence"], f"{documents[-1][1]['seconds']:.1f} s",
              flush=True)
        RAW.write_text(json.dumps(documents))
    results.write(section(documents), HEADING)


if __name__ == "__main__":
    if sys.argv[1:] == ["--table"]:
        results.write(section(json.loads(RAW.read_text())), HEADING)
    else:
        main(sys.argv[1:] or ["builtin", *TEXTS])
