"""Every page's generated script runs, and builds the architecture the page trains."""

import dataclasses
import inspect
import runpy
from concurrent.futures import ThreadPoolExecutor

import keras
import numpy as np
import pandas as pd
import pytest

from core import beyond, connections, datasets, forecasting, internals, scripts, text, video


def architecture(model: keras.Model) -> tuple[list[str], int]:
    """Layer types in order and the number of weights: what 'the same model' means here."""
    return [type(layer).__name__ for layer in model.layers], model.count_params()


def run_script(script: scripts.Script, folder, monkeypatch, data: bytes | None = None) -> dict:
    """Run the script as a user would, in a folder holding its data file; return its variables."""
    path = folder / script.filename
    path.write_text(script.text)
    if script.data_file is not None:
        (folder / script.data_file).write_bytes(data)
    monkeypatch.chdir(folder)
    return runpy.run_path(str(path), run_name="__main__")


@pytest.mark.parametrize("pattern", connections.PATTERNS)
def test_connection_scripts_build_the_page_model(pattern, tmp_path, monkeypatch):
    settings = connections.ConnectionSettings(pattern=pattern, cell="LSTM", units=8, num_examples=200, epochs=1)
    variables = run_script(scripts.connections_script(settings), tmp_path, monkeypatch)
    assert architecture(variables["model"]) == architecture(connections.build_model(settings))


def test_memory_script_trains_the_three_cells_of_the_page(tmp_path, monkeypatch):
    settings = internals.MemorySettings(units=4, num_examples=500, epochs=1)
    variables = run_script(scripts.memory_script(settings), tmp_path, monkeypatch)
    for cell in internals.MEMORY_CELLS:
        page_model = internals.build_memory_model(cell, settings.units, max(internals.MEMORY_LENGTHS))
        assert architecture(variables["models"][cell]) == architecture(page_model)


@pytest.mark.parametrize("column", ["description", None])
def test_text_script_builds_the_page_model_from_a_csv_or_a_text_file(column, tmp_path, monkeypatch):
    documents = datasets.load_builtin_descriptions()[:300]
    settings = text.TextSettings(max_vocabulary=200, layers=2, cell="LSTM", units=16, epochs=1)
    if column is None:
        data, name = "\n".join(documents).encode(), "mine.txt"
    else:
        data, name = datasets.DESCRIPTIONS_FILE.read_bytes(), datasets.DESCRIPTIONS_FILE.name
        documents = datasets.load_builtin_descriptions()
    variables = run_script(scripts.text_script(settings, name, column), tmp_path, monkeypatch, data)
    prepared = text.prepare_text(documents, settings)
    page_model = text.build_text_model(prepared.vocabulary.size, settings.context_length, settings.embedding_dim,
                                       settings.cell, settings.units, settings.layers, settings.dropout)
    assert architecture(variables["model"]) == architecture(page_model)
    assert variables["vocabulary"][2:] == list(prepared.vocabulary.tokens[2:])
    assert len(variables["x_train"]) == len(prepared.x_train)


@pytest.mark.parametrize("preprocessing", forecasting.PREPROCESSING)
def test_forecast_script_builds_the_page_model_and_splits_alike(preprocessing, tmp_path, monkeypatch):
    settings = forecasting.ForecastSettings(preprocessing=preprocessing, layers=2, epochs=1)
    table = datasets.load_builtin_sales("umbrellas")
    series = forecasting.prepare_series(table, "date", "sales")
    script = scripts.forecast_script(settings, series, datasets.SALES_FILE.name, "date", "sales", "umbrellas")
    settings, _ = forecasting.resolve_settings(series, settings)
    variables = run_script(script, tmp_path, monkeypatch, datasets.SALES_FILE.read_bytes())
    page_model = forecasting.build_forecaster(settings.window, settings.horizon, settings.cell, settings.units,
                                              settings.layers, settings.dropout)
    assert architecture(variables["model"]) == architecture(page_model)
    split = forecasting.chronological_split(len(series.values), settings,
                                            forecasting.lag_of(preprocessing, settings.season))
    assert variables["train_origins"].tolist() == split.train.tolist()
    assert variables["test_origins"].tolist() == split.test.tolist()


def test_forecast_script_reads_the_page_inputs_and_builds_the_model_that_reads_them(tmp_path, monkeypatch):
    settings = forecasting.ForecastSettings(calendar=True, epochs=1, units=4)
    table = datasets.load_builtin_sales("ice cream")
    series = forecasting.prepare_series(table, "date", "sales", inputs=datasets.SALES_INPUTS)
    script = scripts.forecast_script(settings, series, datasets.SALES_FILE.name, "date", "sales", "ice cream")
    variables = run_script(script, tmp_path, monkeypatch, datasets.SALES_FILE.read_bytes())
    settings, _ = forecasting.resolve_settings(series, settings)
    page_model = forecasting.build_forecaster(settings.window, settings.horizon, settings.cell, settings.units,
                                              settings.layers, settings.dropout, num_inputs=2 + 7)
    assert architecture(variables["model"]) == architecture(page_model)
    page_inputs = forecasting.inputs_through(series, True, settings.horizon)[0].iloc[: len(series.values)]
    np.testing.assert_allclose(variables["inputs"].to_numpy(), page_inputs.to_numpy())


@pytest.mark.parametrize(("cells", "freq"), [(list(range(1700, 1830)), "yearly"),
                                             ([f"{1900 + k // 4} Q{k % 4 + 1}" for k in range(130)], "quarterly")])
def test_forecast_script_reads_years_and_quarters_as_the_page_does(cells, freq, tmp_path, monkeypatch):
    table = pd.DataFrame({"when": cells, "value": 50 + 40 * np.sin(np.arange(130) * 2 * np.pi / 11)})
    series = forecasting.prepare_series(table, "when", "value")
    settings = forecasting.ForecastSettings(epochs=1)
    script = scripts.forecast_script(settings, series, "series.csv", "when", "value")
    variables = run_script(script, tmp_path, monkeypatch, table.to_csv(index=False).encode())
    settings, _ = forecasting.resolve_settings(series, settings)
    split = forecasting.chronological_split(len(series.values), settings, 1)  # auto trains the difference network
    assert series.frequency_name == freq
    assert variables["values"].tolist() == series.values.tolist()
    assert variables["test_origins"].tolist() == split.test.tolist()


def test_video_script_builds_the_three_page_models(tmp_path, monkeypatch):
    settings = video.VideoSettings(num_classes=2, frames=4, frame_size=16, clips_per_class=20, epochs=1)
    variables = run_script(scripts.video_script(settings), tmp_path, monkeypatch)
    args = (settings.frames, settings.frame_size, settings.num_classes, settings.filters, settings.conv_layers)
    assert architecture(variables["model"]) == architecture(video.build_cnn_rnn(*args, settings.cell, settings.units))
    assert architecture(variables["baseline"]) == architecture(video.build_frame_only(*args))
    assert architecture(variables["cnn3d"]) == architecture(video.build_cnn3d(*args, settings.temporal_kernel))


def test_scripts_state_every_setting_they_were_made_from():
    settings = video.VideoSettings(units=17, learning_rate=0.01)
    script = scripts.video_script(settings).text
    for field in dataclasses.fields(settings):
        assert f"{field.name.upper()} = {getattr(settings, field.name)!r}" in script


class Finalized:
    """Garbage whose finalizer runs Python: a collection in the middle of building an AST then lets
    another thread run, as on a busy server."""

    def __del__(self):
        sum(range(100))


def test_sources_read_in_many_threads_at_once_all_come_back_whole():
    # Visitors opening a page together read its sources in their own threads.
    def read_repeatedly() -> list[str]:
        found = []
        for _ in range(20):
            garbage = [Finalized() for _ in range(50)]
            garbage.append(garbage)
            del garbage
            scripts._sources.cache_clear()
            found.append(scripts._sources(connections.ToyTask))
        return found

    with ThreadPoolExecutor(max_workers=8) as pool:
        readers = [pool.submit(read_repeatedly) for _ in range(8)]
        found = {source for reader in readers for source in reader.result()}
    assert found == {inspect.getsource(connections.ToyTask).rstrip()}


def test_beyond_script_trains_the_five_models_of_the_page(tmp_path, monkeypatch):
    settings = beyond.BeyondSettings(task="motif", longest=20, units=8, tcn_levels=2, num_examples=500, epochs=1)
    variables = run_script(scripts.beyond_script(settings), tmp_path, monkeypatch)
    for family in beyond.FAMILIES:
        assert architecture(variables["models"][family]) == architecture(beyond.model_of(family, settings)), family
