"""Sequence Lab from the command line: the pages' code paths, without the browser.

    python -m core forecast --csv FILE --date-col NAME --value-col NAME [--window N ...] --json
    python -m core textgen --text FILE [--column NAME --cell LSTM ...] --generate "seed words" --words N --json
    python -m core make-data

Bad input exits with status 2 and the same message the page shows, on standard error.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

from core.settings import Knob, knobs_of, validate


def add_knob_options(parser: argparse.ArgumentParser, settings_type: type, names: list[str]) -> None:
    """One option per knob, typed and described as the page's widget is."""
    defaults = settings_type()
    for name in names:
        knob_ = knobs_of(settings_type)[name]
        default = getattr(defaults, name)
        parser.add_argument(f"--{name.replace('_', '-')}", type=_option_type(knob_, default), default=default,
                            choices=knob_.choices, help=f"{knob_.help} (default: {default})")


def _option_type(knob_: Knob, default: object):
    """The option's parser: its default's type, and for named choices any capitalisation ('lstm' is LSTM)."""
    if knob_.choices and isinstance(default, str):
        by_lower = {str(choice).lower(): choice for choice in knob_.choices}
        return lambda value: by_lower.get(value.lower(), value)
    return type(default)


def add_textgen_parser(commands: argparse._SubParsersAction) -> None:
    """The ``textgen`` command: the text generation page's options, trained and sampled once."""
    from core.text import GenerationSettings, TextSettings

    textgen = commands.add_parser("textgen", help="train the next-word model on a text file and generate")
    textgen.add_argument("--text", required=True, help="a .txt file (one document per line) or a .csv")
    textgen.add_argument("--column", help="the CSV column holding the text (default: the longest texts)")
    textgen.add_argument("--generate", default="", help="the seed text to continue (default: start afresh)")
    textgen.add_argument("--words", dest="num_words", type=int, default=GenerationSettings().num_words,
                         help="how many tokens to generate")
    textgen.add_argument("--json", action="store_true", help="print one JSON object (the only output format)")
    add_knob_options(textgen, TextSettings, ["level", "max_vocabulary", "context_length", "embedding_dim", "cell",
                                             "layers", "units", "dropout", "epochs", "batch_size",
                                             "learning_rate", "seed"])
    add_knob_options(textgen, GenerationSettings, ["strategy", "temperature", "top_k", "sampling_seed"])


def forecast_command(args: argparse.Namespace) -> dict:
    """Run the forecasting page's code path on a CSV file; return the JSON document."""
    from core import forecasting as fc

    settings = validate(fc.ForecastSettings(**knob_values(args, fc.ForecastSettings)))
    table = fc.read_table(Path(args.csv).read_bytes(), f"'{args.csv}'")
    series = fc.prepare_series(table, args.date_col, args.value_col)
    fc.check_fits(series, settings)
    details = fc.fit_forecaster(series, settings).details
    named = {f"{settings.cell} model": "model", "naive": "naive", "seasonal naive": "seasonal_naive",
             "moving average": "moving_average"}
    future = details["future"].assign(date=lambda f: f["date"].dt.strftime("%Y-%m-%d"))
    return {"metrics": {named[k]: v for k, v in details["metrics"].items()}, "frequency": series.frequency,
            "season": series.season, "forecast": future.to_dict(orient="records")}


def textgen_command(args: argparse.Namespace) -> dict:
    """Run the text generation page's code path on a text or CSV file; return the JSON document."""
    from core import text as tx

    settings = validate(tx.TextSettings(**knob_values(args, tx.TextSettings)))
    options = validate(tx.GenerationSettings(**knob_values(args, tx.GenerationSettings)))
    path = Path(args.text)
    documents = tx.documents_from_file(path.read_bytes(), f"'{path}'", path.suffix.lower() == ".csv", args.column)
    prepared = tx.prepare_text(documents, settings)
    result = tx.fit_text_model(prepared, settings)
    generation = tx.generate(result.model, prepared.vocabulary, settings.level, args.generate, options,
                             settings.context_length)
    return {"metrics": result.details["metrics"], "vocabulary_size": prepared.vocabulary.size,
            "generated": generation.text, "unknown_seed_tokens": generation.unknown}


def knob_values(args: argparse.Namespace, settings_type: type) -> dict:
    """The parsed options that are fields of ``settings_type``."""
    return {f.name: getattr(args, f.name) for f in dataclasses.fields(settings_type) if hasattr(args, f.name)}


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
    add_textgen_parser(commands)
    commands.add_parser("make-data", help="(re)make the shipped data files in data/")
    args = parser.parse_args(argv)
    try:
        if args.command == "make-data":
            from core.datasets import write_data_files

            print("\n".join(str(path) for path in write_data_files()))
            return 0
        run = forecast_command if args.command == "forecast" else textgen_command
        print(json.dumps(run(args), default=str))
        return 0
    except (ValueError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
