"""Sequence Lab from the command line: the pages' code paths, without the browser.

    python -m core forecast --csv FILE --date-col NAME --value-col NAME [--window N ...] --json
    python -m core make-data

Bad input exits with status 2 and the same message the page shows, on standard error.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

from core.settings import knobs_of, validate


def add_knob_options(parser: argparse.ArgumentParser, settings_type: type, names: list[str]) -> None:
    """One option per knob, typed and described as the page's widget is."""
    defaults = settings_type()
    for name in names:
        knob_ = knobs_of(settings_type)[name]
        default = getattr(defaults, name)
        parser.add_argument(f"--{name.replace('_', '-')}", type=type(default), default=default,
                            choices=knob_.choices, help=f"{knob_.help} (default: {default})")


def forecast_command(args: argparse.Namespace) -> dict:
    """Run the forecasting page's code path on a CSV file; return the JSON document."""
    from core import forecasting as fc

    knobs = {f.name: getattr(args, f.name) for f in dataclasses.fields(fc.ForecastSettings) if hasattr(args, f.name)}
    settings = validate(fc.ForecastSettings(**knobs))
    table = fc.read_table(Path(args.csv).read_bytes(), f"'{args.csv}'")
    series = fc.prepare_series(table, args.date_col, args.value_col)
    fc.check_fits(series, settings)
    details = fc.fit_forecaster(series, settings).details
    named = {f"{settings.cell} model": "model", "naive": "naive", "seasonal naive": "seasonal_naive",
             "moving average": "moving_average"}
    future = details["future"].assign(date=lambda f: f["date"].dt.strftime("%Y-%m-%d"))
    return {"metrics": {named[k]: v for k, v in details["metrics"].items()}, "frequency": series.frequency,
            "season": series.season, "forecast": future.to_dict(orient="records")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m core", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    forecast = commands.add_parser("forecast", help="train the sales forecaster on a CSV and score it")
    forecast.add_argument("--csv", required=True, help="the CSV file")
    forecast.add_argument("--date-col", required=True, help="the column holding dates")
    forecast.add_argument("--value-col", required=True, help="the column holding the numbers to forecast")
    forecast.add_argument("--json", action="store_true", help="print one JSON object (the only output format)")
    from core.forecasting import ForecastSettings

    add_knob_options(forecast, ForecastSettings, ["window", "horizon", "preprocessing", "cell", "units",
                                                  "layers", "dropout", "test_size", "epochs", "seed"])
    commands.add_parser("make-data", help="(re)make the shipped data files in data/")
    args = parser.parse_args(argv)
    try:
        if args.command == "make-data":
            from core.datasets import write_data_files

            print("\n".join(str(path) for path in write_data_files()))
            return 0
        print(json.dumps(forecast_command(args), default=str))
        return 0
    except (ValueError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
