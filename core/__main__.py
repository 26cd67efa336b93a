"""Sequence Lab from the command line: the pages' code paths, without the browser.

    python -m core forecast --csv FILE --date-col NAME --value-col NAME [--inputs A,B --calendar true ...] [--json]
    python -m core textgen [--text FILE --column NAME --cell LSTM ...] --generate "seed words" --words N [--json]
    python -m core caption [--attention false --beam-width 3 ...] [--json]
    python -m core beyond [--task motif --longest 120 --tcn-levels 6 ...] [--json]
    python -m core video [--temporal-kernel 3 --cell LSTM ...] [--json]
    python -m core make-data

Every knob of a page is an option, with the page's tooltip as its help (``--help``). Without ``--json`` the
result is printed for a reader; with it, as one JSON object. Bad input exits with status 2 and the same
message the page shows, on standard error.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path

from core.settings import Knob, knobs_of, validate
from core.settings_io import parse_value

SHORTER_NAMES = {"num_words": "--words"}  # options also known by a shorter name


def add_knob_options(parser: argparse.ArgumentParser, settings_type: type) -> None:
    """One option per knob of ``settings_type``, typed and described as the page's widget is."""
    defaults = settings_type()
    for name, knob_ in knobs_of(settings_type).items():
        default = getattr(defaults, name)
        names = [f"--{name.replace('_', '-')}", *([SHORTER_NAMES[name]] if name in SHORTER_NAMES else [])]
        # argparse formats help with %, and a tooltip may say "15 % of the series"
        parser.add_argument(*names, dest=name, type=_option_type(knob_, default), default=default,
                            choices=knob_.choices, help=f"{knob_.help} (default: {default})".replace("%", "%%"))


def _option_type(knob_: Knob, default: object) -> Callable[[str], object]:
    """The option's parser: its default's type, for named choices any capitalisation ('lstm' is LSTM), and for
    switches the words a link takes ('--attention false' is False; Python's bool('false') would be True)."""
    if knob_.choices and isinstance(default, str):
        by_lower = {str(choice).lower(): choice for choice in knob_.choices}
        return lambda value: by_lower.get(value.lower(), value)
    if isinstance(default, bool):
        return functools.partial(_switch, knob_, default)
    return type(default)


def _switch(knob_: Knob, default: bool, value: str) -> bool:
    """A switch's option read as a link's value is ('true', 'no', '1', …), with the page's message if not."""
    try:
        return parse_value(knob_, default, value, knob_.label)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def settings_from(args: argparse.Namespace, settings_type: type) -> object:
    """The settings the options describe, checked against each knob's bounds."""
    fields = {f.name: getattr(args, f.name) for f in dataclasses.fields(settings_type) if hasattr(args, f.name)}
    return validate(settings_type(**fields))


def forecast_command(args: argparse.Namespace) -> dict:
    """Run the forecasting page's code path on a CSV file; return the JSON document."""
    from core import forecasting as fc

    table = fc.read_table(Path(args.csv).read_bytes(), f"'{args.csv}'")
    inputs = [name.strip() for name in args.inputs.split(",") if name.strip()]
    series = fc.prepare_series(table, args.date_col, args.value_col, day_first=args.day_first, inputs=inputs)
    return fc.cli_document(series, settings_from(args, fc.ForecastSettings))


def textgen_command(args: argparse.Namespace) -> dict:
    """Run the text generation page's code path on a text or CSV file (default: the built-in descriptions)."""
    import time

    from core import text as tx
    from core.datasets import load_builtin_descriptions

    settings = settings_from(args, tx.TextSettings)
    options = settings_from(args, tx.GenerationSettings)
    if args.text is None:
        documents = load_builtin_descriptions()
    else:
        path = Path(args.text)
        documents = tx.documents_from_file(path.read_bytes(), f"'{path}'", path.suffix.lower() == ".csv",
                                           args.column)
    started = time.perf_counter()
    prepared = tx.prepare_text(documents, settings)
    result = tx.fit_text_model(prepared, settings)
    seconds = time.perf_counter() - started
    details = result.details
    generation = tx.generate(details.mixture, prepared.vocabulary, settings.level, args.generate, options)
    kneser_ney = details.mixture.kneser_ney
    return {"metrics": details.metrics, "verdict": details.verdict.as_json(),
            "perplexity_verdict": details.perplexity.as_json(), "split": details.split,
            "vocabulary_size": prepared.vocabulary.size, "vocabulary_eligible": prepared.vocabulary.eligible,
            "mixture": {"network_weight": details.mixture.weight, "ngram": kneser_ney.name,
                        "ngram_order": kneser_ney.order, "ngram_discount": kneser_ney.discount},
            "settings": dataclasses.asdict(settings), "generation": dataclasses.asdict(options),
            "epochs_run": result.epochs_run, "train_seconds": result.seconds, "seconds": seconds,
            "seed_suggestion": tx.seed_suggestion(prepared, settings.level),
            "generated": generation.text, "unknown_seed_tokens": generation.unknown}


def caption_command(args: argparse.Namespace) -> dict:
    """Run the image captioning page's code path on generated scenes; return the JSON document."""
    from core import captioning as cp

    settings = settings_from(args, cp.CaptionSettings)
    decoding = settings_from(args, cp.DecodingSettings)
    return cp.cli_document(settings, beam_width=decoding.beam_width)


def beyond_command(args: argparse.Namespace) -> dict:
    """Run the Beyond recurrence page's code path on generated sequences; return the JSON document."""
    from core import beyond as by

    return by.cli_document(settings_from(args, by.BeyondSettings))


def video_command(args: argparse.Namespace) -> dict:
    """Run the video classification page's code path (CNN+RNN, 3D CNN, frame-only) on generated clips."""
    from core import video as vd

    return vd.cli_document(settings_from(args, vd.VideoSettings))


def for_a_reader(document: dict) -> str:
    """The JSON document as lines for a person: the verdict first, then each scorer's numbers."""
    perplexity = [document["perplexity_verdict"]["sentence"]] if "perplexity_verdict" in document else []
    lines = [document["verdict"]["sentence"], *perplexity, ""]
    for scorer, scores in document["metrics"].items():
        numbers = ", ".join(f"{name} {value:.4g}" for name, value in scores.items() if value is not None)
        lines.append(f"{scorer}: {numbers}")
    if "examples" in document:
        lines += ["", "captions of unseen scenes (greedy | truth):"] + [
            f"  {example['greedy']} | {example['truth']}" for example in document["examples"]]
    if "sees" in document:
        lines += ["", "what each model can see:"] + [f"  {name}: {words}" for name, words in document["sees"].items()]
    if "generated" in document:
        lines += ["", f"generated: {document['generated']}"]
    if "forecast" in document:
        lines += ["", "forecast ahead:"] + [f"  {row['date']}  {row['value']:.4g}  ({row['lower']:.4g} to "
                                             f"{row['upper']:.4g})" for row in document["forecast"]]
    return "\n".join(lines)


def parser() -> argparse.ArgumentParser:
    """The command line: one command per page that has a file to read, and make-data."""
    from core.forecasting import ForecastSettings
    from core.text import GenerationSettings, TextSettings

    main_parser = argparse.ArgumentParser(prog="python -m core", description=__doc__.splitlines()[0])
    commands = main_parser.add_subparsers(dest="command", required=True)
    forecast = commands.add_parser("forecast", help="train the sales forecaster on a CSV and score it")
    forecast.add_argument("--csv", required=True, help="the CSV file")
    forecast.add_argument("--date-col", required=True, help="the column holding dates")
    forecast.add_argument("--value-col", required=True, help="the column holding the numbers to forecast")
    forecast.add_argument("--day-first", action=argparse.BooleanOptionalAction, default=None,
                          help="read dates like 01/02/2024 day first (default: from the data, else month first)")
    forecast.add_argument("--inputs", default="", help="other columns the networks read beside the values, comma "
                          "separated (e.g. promotion,holiday); assumed known ahead, as planned promotions are "
                          "(default: none)")
    add_knob_options(forecast, ForecastSettings)
    textgen = commands.add_parser("textgen", aliases=["text"],
                                  help="train the next-word model on a text file and generate")
    textgen.add_argument("--text", help="a .txt file (one document per line) or a .csv (default: the built-in "
                                        "descriptions)")
    textgen.add_argument("--column", help="the CSV column holding the text (default: the longest texts)")
    textgen.add_argument("--generate", default="", help="the seed text to continue (default: start afresh)")
    add_knob_options(textgen, TextSettings)
    add_knob_options(textgen, GenerationSettings)
    from core.captioning import CaptionSettings, DecodingSettings

    caption = commands.add_parser("caption", help="train the image captioner on generated scenes and score it")
    add_knob_options(caption, CaptionSettings)
    add_knob_options(caption, DecodingSettings)
    from core.beyond import BeyondSettings

    beyond = commands.add_parser("beyond", help="train SimpleRNN, LSTM, GRU, a TCN and a Transformer side by side")
    add_knob_options(beyond, BeyondSettings)
    from core.video import VideoSettings

    video = commands.add_parser("video", help="train the three video classifiers on generated clips and score them")
    add_knob_options(video, VideoSettings)
    for command in (forecast, textgen, caption, beyond, video):
        command.add_argument("--json", action="store_true", help="print one JSON object instead of lines of text")
    commands.add_parser("make-data", help="(re)make the shipped data files in data/")
    return main_parser


COMMANDS = {"forecast": forecast_command, "textgen": textgen_command, "text": textgen_command,
            "caption": caption_command, "beyond": beyond_command, "video": video_command}


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        if args.command == "make-data":
            from core.datasets import write_data_files

            print("\n".join(str(path) for path in write_data_files()))
            return 0
        document = COMMANDS[args.command](args)
        print(json.dumps(document, default=str) if args.json else for_a_reader(document))
        return 0
    except (ValueError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
