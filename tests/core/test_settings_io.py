"""Settings to link text and JSON and back: every knob survives the round trip; bad values are refused."""

import dataclasses
import json

import pytest

from core import connections, forecasting, internals, text, video
from core.settings import knobs_of
from core.settings_io import parse_value, read_settings_file, settings_file, to_text

SETTINGS = [connections.ConnectionSettings(pattern="encoder_decoder", cell="LSTM", units=100, learning_rate=0.0003),
            internals.MemorySettings(noise=1.7, units=5), internals.GradientSettings(spectral_radius=1.35),
            text.TextSettings(level="character", dropout=0.25), text.GenerationSettings(strategy="top-k"),
            forecasting.ForecastSettings(preprocessing="seasonal difference", window=28),
            video.VideoSettings(noise=0.15000000000000002, frame_size=32)]


def round_trip(settings):
    knobs, defaults = knobs_of(type(settings)), type(settings)()
    return type(settings)(**{name: parse_value(knob, getattr(defaults, name), to_text(getattr(settings, name)), name)
                             for name, knob in knobs.items()})


@pytest.mark.parametrize("settings", SETTINGS, ids=lambda s: type(s).__name__)
def test_every_knob_survives_the_link(settings):
    back = round_trip(settings)
    for field in dataclasses.fields(settings):
        assert getattr(back, field.name) == pytest.approx(getattr(settings, field.name))
        assert type(getattr(back, field.name)) is type(getattr(settings, field.name))


def test_link_text_is_short_and_plain():
    assert to_text(0.15000000000000002) == "0.15"
    assert to_text(True) == "true" and to_text(3) == "3" and to_text("GRU") == "GRU"


@pytest.mark.parametrize(("name", "raw", "message"), [
    ("units", "9999", "at most 128"),
    ("units", "-3", "at least 4"),
    ("units", "3.5", "whole number"),
    ("units", "lots", "must be a number"),
    ("units", "nan", "finite"),
    ("cell", "Transformer", "one of SimpleRNN, LSTM, GRU"),
    ("learning_rate", "0.02", "one of"),
])
def test_bad_values_are_refused_in_words(name, raw, message):
    knob = knobs_of(connections.ConnectionSettings)[name]
    default = getattr(connections.ConnectionSettings(), name)
    with pytest.raises(ValueError, match=message):
        parse_value(knob, default, raw, name)


def test_a_settings_file_round_trips_and_names_its_page():
    data = settings_file("Video classification", {"units": 48, "cell": "LSTM", "noise": 0.2}).encode()
    assert read_settings_file(data, "'s.json'", "Video classification") == {"units": 48, "cell": "LSTM", "noise": 0.2}
    with pytest.raises(ValueError, match="settings of the page 'Video classification'"):
        read_settings_file(data, "'s.json'", "Sales forecasting")


@pytest.mark.parametrize(("data", "message"), [
    (b"", "empty"),
    (b"\x00\x01binary", "binary"),
    (b"{not json", "not valid JSON"),
    (json.dumps([1, 2]).encode(), "no \"settings\" section"),
    (b" " * 70_000 + b"{}", "limit"),
])
def test_bad_settings_files_get_a_message(data, message):
    with pytest.raises(ValueError, match=message):
        read_settings_file(data, "'s.json'", "Video classification")
