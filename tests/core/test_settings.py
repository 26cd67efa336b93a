from dataclasses import dataclass

import pytest

from core.settings import as_dict, differing_fields, knob, knobs_of, validate


@dataclass(frozen=True)
class ToySettings:
    units: int = knob(16, "Units", "Size of the hidden state.", low=1, high=64)
    cell: str = knob("gru", "Cell", "Which recurrent cell.", choices=("rnn", "gru"))
    note: str = "not a knob"


def test_knobs_are_listed_in_declaration_order_and_plain_fields_are_not():
    assert list(knobs_of(ToySettings)) == ["units", "cell"]
    assert knobs_of(ToySettings)["units"].high == 64


def test_validate_accepts_defaults_and_names_the_broken_bound():
    assert validate(ToySettings()) == ToySettings()
    with pytest.raises(ValueError, match=r"Units .* at most 64"):
        validate(ToySettings(units=65))
    with pytest.raises(ValueError, match=r"Units .* at least 1"):
        validate(ToySettings(units=0))
    with pytest.raises(ValueError, match="one of rnn, gru"):
        validate(ToySettings(cell="lstm"))


def test_differing_fields_lists_only_what_changed():
    runs = [ToySettings(), ToySettings(units=32), ToySettings(units=32)]
    assert differing_fields(runs) == ["units"]
    assert differing_fields([ToySettings()]) == []
    assert differing_fields([]) == []
    assert as_dict(ToySettings(cell="rnn"))["cell"] == "rnn"


def test_every_setting_of_every_page_is_a_knob_with_help():
    from core.connections import ConnectionSettings
    from core.forecasting import ForecastSettings
    from core.internals import ForwardSettings, GradientSettings, MemorySettings

    for settings_type in (ConnectionSettings, ForecastSettings, ForwardSettings, GradientSettings, MemorySettings):
        knobs = knobs_of(settings_type)
        assert set(knobs) == set(as_dict(settings_type())), settings_type
        assert all(len(k.help) > 20 for k in knobs.values()), settings_type
        validate(settings_type())  # the defaults are inside their own bounds
