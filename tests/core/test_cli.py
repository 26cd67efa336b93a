import contextlib
import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.__main__ import for_a_reader, main
from core.beyond import BeyondSettings, model_of, receptive_field
from core.datasets import load_builtin_sales, make_noise_sales

ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args: str) -> subprocess.CompletedProcess:
    """``python -m core ARGS`` run in this process: its exit code and what it printed.

    The command's own ``main`` with its streams captured; a separate interpreter
    per call would pay Python, Keras and JAX start-up again (about 5 s each).
    One test below runs the real ``python -m core`` in a subprocess.
    """
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as exit_:  # argparse's refusals and --help
            code = exit_.code if isinstance(exit_.code, int) else 2
    return subprocess.CompletedProcess(["python", "-m", "core", *args], code, out.getvalue(), err.getvalue())


def test_forecast_prints_one_json_object_with_metrics_and_forecast(tmp_path):
    csv = tmp_path / "sales.csv"
    load_builtin_sales("umbrellas").to_csv(csv, index=False)
    done = run_cli("forecast", "--csv", str(csv), "--date-col", "date", "--value-col", "sales",
                   "--epochs", "2", "--horizon", "3", "--json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert set(document["metrics"]) == {"model", "naive", "seasonal_naive", "moving_average", "AutoETS", "AutoTheta",
                                        "AutoARIMA"}
    assert set(document["metrics"]["model"]) == {"MAE", "RMSE", "sMAPE", "MASE"}
    assert (document["frequency"], document["season"]) == ("D", 7)
    assert len(document["forecast"]) == 3 and set(document["forecast"][0]) == {"date", "value", "lower", "upper"}
    assert document["settings"]["inputs"] == [] and document["input_worth"] is None  # uploads: no inputs by default


def test_forecast_reads_inputs_and_reports_what_they_are_worth(tmp_path):
    csv = tmp_path / "sales.csv"
    load_builtin_sales("ice cream").iloc[-300:].to_csv(csv, index=False)  # short: the yardsticks fit fast
    done = run_cli("forecast", "--csv", str(csv), "--date-col", "date", "--value-col", "sales", "--inputs",
                   "promotion, holiday", "--calendar", "true", "--preprocessing", "difference", "--epochs", "1",
                   "--seeds", "1", "--horizon", "3", "--json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["settings"]["inputs"] == ["promotion", "holiday"] and document["settings"]["calendar"] is True
    worth = document["input_worth"]
    assert worth["inputs"] == ["promotion", "holiday", "day of week"]
    assert {"model_mae_with", "model_mae_without", "networks_mae_with", "networks_mae_without"} < set(worth)
    assert worth["verdict"]["model"] == worth["model_mae_with"] and worth["verdict"]["baseline"] == (
        "the same without them")
    assert "most frequent value (promotion 0, holiday 0)" in document["inputs_ahead"]


def test_forecast_json_reports_derived_settings_coverage_and_keeps_the_hours(tmp_path):
    csv = tmp_path / "hourly.csv"
    hours = pd.date_range("2025-07-10", periods=24 * 21, freq="h")
    pd.DataFrame({"time": hours.strftime("%Y-%m-%d %H:%M"),
                  "load": 10 + np.sin(np.arange(len(hours)) * 2 * np.pi / 24)}).to_csv(csv, index=False)
    done = run_cli("forecast", "--csv", str(csv), "--date-col", "time", "--value-col", "load", "--epochs", "1",
                   "--seeds", "1", "--json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["settings"]["horizon"] == 24 and document["settings"]["season"] == 24
    assert "hourly data, 504 points" in document["derived"]
    assert [row["date"] for row in document["forecast"][:2]] == ["2025-07-31 00:00", "2025-07-31 01:00"]
    interval = document["interval"]
    assert interval["coverage"] == 0.8 and 0 <= interval["held"] <= 1 and interval["points"] > 0
    assert len(document["seed_maes"]) == 1 and document["choice"].startswith("Auto chose")
    assert "GRU networks" in document["weights"] and abs(sum(document["weights"].values()) - 1) < 1e-9


def test_bad_input_exits_non_zero_with_the_page_message(tmp_path):
    csv = tmp_path / "bad.csv"
    csv.write_text("date,sales\n2024-01-01,3\n2024-01-02,lots\n")
    done = run_cli("forecast", "--csv", str(csv), "--date-col", "date", "--value-col", "sales", "--json")
    assert done.returncode == 2 and done.stdout == ""
    assert "non-numeric cells, e.g. 'lots' in row 2" in done.stderr
    good = tmp_path / "good.csv"
    good.write_text("date,sales\n" + "".join(f"2024-01-{day:02d},{day}\n" for day in range(1, 29)))
    done = run_cli("forecast", "--csv", str(good), "--date-col", "date", "--value-col", "sales", "--window", "999")
    assert done.returncode == 2 and "at most 365" in done.stderr


def test_textgen_prints_every_scorer_the_split_and_generated_text(tmp_path):
    text = tmp_path / "shop.txt"
    text.write_text("\n".join(f"the {c} {i} is made from {m} and fits well" for c in ("red", "blue", "green")
                              for i in ("dress", "shirt", "coat") for m in ("silk", "wool", "linen")))
    done = run_cli("text", "--text", str(text), "--cell", "lstm", "--epochs", "2", "--seed", "3",
                   "--generate", "the red", "--words", "4", "--json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    ngram = document["mixture"]["ngram"]
    assert set(document["metrics"]) == {"model", "network", ngram, "bigram"}
    assert {"accuracy", "top5_accuracy", "perplexity", "unknown_target_share"} <= set(document["metrics"]["model"])
    assert 0 <= document["metrics"]["bigram"]["accuracy"] <= 1 and document["metrics"]["bigram"]["perplexity"] is None
    assert document["split"]["leaked_documents"] == 0
    assert document["split"]["train_documents"] + document["split"]["validation_documents"] \
        + document["split"]["test_documents"] == 27
    train_words = set(text.read_text().split())  # every word occurs at least three times
    assert document["vocabulary_size"] <= 2 + len(train_words)
    assert document["settings"]["cell"] == "LSTM" and document["verdict"]["baseline"]
    perplexity = document["perplexity_verdict"]  # the model against the n-gram, by the verdicts' rule
    assert perplexity["model"] == pytest.approx(document["metrics"]["model"]["perplexity"])
    assert perplexity["baseline_perplexity"] == pytest.approx(document["metrics"][ngram]["perplexity"])
    assert perplexity["winner"] in ("model", "tie", "baseline") and perplexity["sentence"].startswith("Perplexity: ")
    assert document["generated"].startswith("the red ") and len(document["generated"].split()) == 6


def test_textgen_reads_a_csv_column_and_refuses_bad_input(tmp_path):
    table = tmp_path / "shop.csv"
    table.write_text("id,text\n1,too short\n")
    done = run_cli("textgen", "--text", str(table), "--column", "text", "--json")
    assert done.returncode == 2 and done.stdout == ""
    assert "at least" in done.stderr
    done = run_cli("textgen", "--text", str(table), "--column", "missing", "--json")
    assert done.returncode == 2 and "no text column 'missing'" in done.stderr


def test_forecast_on_pure_noise_reports_a_tie_in_the_json(tmp_path):
    csv = tmp_path / "noise.csv"
    make_noise_sales().to_csv(csv, index=False)
    done = run_cli("forecast", "--csv", str(csv), "--date-col", "date", "--value-col", "sales", "--json")
    assert done.returncode == 0, done.stderr
    verdict = json.loads(done.stdout)["verdict"]
    assert verdict["winner"] == "tie" and verdict["baseline"] in ("naive", "seasonal naive", "moving average",
                                                                 "AutoETS", "AutoTheta", "AutoARIMA")
    assert "tie" in verdict["sentence"]


def test_without_json_the_result_is_printed_for_a_reader(tmp_path):
    csv = tmp_path / "sales.csv"
    load_builtin_sales("umbrellas").to_csv(csv, index=False)
    done = run_cli("forecast", "--csv", str(csv), "--date-col", "date", "--value-col", "sales", "--epochs", "2",
                   "--horizon", "3", "--learning-rate", "0.01")  # the first test's data and sizes: its fits are reused
    assert done.returncode == 0, done.stderr
    first, *rest = done.stdout.splitlines()
    assert (" beats " in first or " tie:" in first) and any(line.startswith("model: MAE") for line in rest)


def test_caption_trains_on_generated_scenes_and_reads_switches_as_words():
    done = run_cli("caption", "--num-scenes", "200", "--epochs", "1", "--units", "16", "--filters", "4",
                   "--attention", "false", "--json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["settings"]["attention"] is False and document["settings"]["num_scenes"] == 200
    assert set(document["metrics"]) == {"model", "most frequent caption", "nearest training scene"}
    assert document["verdict"]["winner"] in ("model", "baseline", "tie") and document["examples"]
    refused = run_cli("caption", "--attention", "maybe")
    assert refused.returncode == 2 and "must be true or false" in refused.stderr


def test_beyond_trains_five_families_and_refuses_a_length_out_of_range():
    done = run_cli("beyond", "--task", "motif", "--longest", "20", "--units", "8", "--tcn-levels", "2",
                   "--num-examples", "500", "--epochs", "1", "--json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    settings = BeyondSettings(**document["settings"])
    assert settings.task == "motif" and document["tcn_receptive_field"] == receptive_field(model_of("TCN", settings))
    assert list(document["metrics"]) == ["SimpleRNN", "LSTM", "GRU", "TCN", "Transformer"]
    assert all(0 <= m["accuracy at length 20"] <= 1 and m["parameters"] > 0 for m in document["metrics"].values())
    assert len(document["verdicts"]) == 2 and document["verdict"]["winner"] in ("model", "baseline", "tie")
    refused = run_cli("beyond", "--longest", "5000")
    assert refused.returncode == 2 and "at most 300" in refused.stderr


def test_video_trains_the_three_models_and_says_what_each_sees():
    done = run_cli("video", "--num-classes", "2", "--frames", "4", "--frame-size", "16", "--clips-per-class", "20",
                   "--epochs", "1", "--temporal-kernel", "2", "--cell", "lstm", "--json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert set(document["metrics"]) == set(document["sees"]) == {"CNN+RNN", "3D CNN", "frame-only"}
    assert (document["settings"]["temporal_kernel"], document["settings"]["cell"]) == (2, "LSTM")
    assert document["sees"]["3D CNN"].startswith(f"{document['temporal_field']} neighbouring frames")
    for_reader = for_a_reader(document)
    assert "3D CNN: accuracy" in for_reader and "what each model can see:" in for_reader
    refused = run_cli("video", "--temporal-kernel", "9")
    assert refused.returncode == 2 and "at most 5" in refused.stderr


def test_forecast_help_lists_every_knob_even_with_a_percent_sign_in_its_tooltip():
    done = subprocess.run([sys.executable, "-m", "core", "forecast", "--help"], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)  # the real command, in its own interpreter
    assert done.returncode == 0, done.stderr
    assert all(option in done.stdout for option in ("--season", "--seeds", "--test-size", "--day-first"))
    assert "15 % of the series" in " ".join(done.stdout.split())
