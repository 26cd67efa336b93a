import json
import subprocess
import sys
from pathlib import Path

from core.datasets import load_builtin_sales

ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "core", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)


def test_forecast_prints_one_json_object_with_metrics_and_forecast(tmp_path):
    csv = tmp_path / "sales.csv"
    load_builtin_sales("umbrellas").to_csv(csv, index=False)
    done = run_cli("forecast", "--csv", str(csv), "--date-col", "date", "--value-col", "sales",
                   "--epochs", "2", "--horizon", "3", "--json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert set(document["metrics"]) == {"model", "naive", "seasonal_naive", "moving_average"}
    assert set(document["metrics"]["model"]) == {"MAE", "RMSE", "sMAPE", "MASE"}
    assert (document["frequency"], document["season"]) == ("D", 7)
    assert len(document["forecast"]) == 3 and set(document["forecast"][0]) == {"date", "value", "lower", "upper"}


def test_bad_input_exits_non_zero_with_the_page_message(tmp_path):
    csv = tmp_path / "bad.csv"
    csv.write_text("date,sales\n2024-01-01,3\n2024-01-02,lots\n")
    done = run_cli("forecast", "--csv", str(csv), "--date-col", "date", "--value-col", "sales", "--json")
    assert done.returncode == 2 and done.stdout == ""
    assert "non-numeric cells, e.g. 'lots' in row 2" in done.stderr
    done = run_cli("forecast", "--csv", str(csv), "--date-col", "date", "--value-col", "sales", "--window", "999")
    assert done.returncode == 2 and "at most 365" in done.stderr
