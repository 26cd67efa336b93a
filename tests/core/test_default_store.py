"""The default models saved by one replica and loaded by the others (core.default_store)."""

import json
import logging
import sys
import threading
from contextlib import nullcontext
from pathlib import Path

import keras
import numpy as np
import pandas as pd
import pytest

from core import datasets, default_store
from core import forecasting as fc
from core import video as vd
from core.default_store import MANIFEST, DefaultStore, Encoder, store_from_environment
from core.replicas import DEFAULTS_VARIABLE
from core.training import TrainingSettings, TrainResult, predict
from core.warmup import DefaultJob


def tiny_job(trainings: list[int], before_training=lambda: None) -> DefaultJob:
    """A default job that trains nothing heavy: a two-weight model, counted in ``trainings``."""

    def run(on_epoch_end):
        before_training()
        trainings.append(1)
        inputs = keras.Input((1,))
        model = keras.Model(inputs, keras.layers.Dense(1, name="line")(inputs))
        return TrainResult(model, {"loss": [1.0, 0.5]}, TrainingSettings(), 0.1, scores={"MAE": 0.25},
                           details={"table": pd.DataFrame({"day": pd.date_range("2024-01-01", periods=3),
                                                           "sales": [1.0, np.nan, 3.0]}),
                                    "reader": model})  # a model kept twice, as pages keep readers of it

    return DefaultJob("Tiny", TrainingSettings(), "tiny data", run)


def assert_same_result(loaded: TrainResult, trained: TrainResult) -> None:
    """Every field equal, and every model answering the same inputs exactly as the trained one did."""
    ours, theirs = Encoder(), Encoder()
    assert json.dumps(ours.encode(loaded)) == json.dumps(theirs.encode(trained))  # every field; NaN as text
    assert ours.arrays.keys() == theirs.arrays.keys()
    for name, array in theirs.arrays.items():
        np.testing.assert_array_equal(ours.arrays[name], array)
    assert loaded.scores == trained.scores and loaded.history == trained.history
    assert ours.models.keys() == theirs.models.keys() and len(theirs.models) >= 1
    for name, model in theirs.models.items():
        inputs = keras.tree.map_structure(  # as the model takes them: one array, a list, or named (the inputs')
            lambda tensor: np.random.default_rng(0).random((4, *tensor.shape[1:])).astype("float32"), model.input)
        np.testing.assert_array_equal(predict(ours.models[name], inputs), predict(model, inputs))


def video_job() -> DefaultJob:
    settings = vd.VideoSettings(num_classes=4, frames=6, frame_size=16, clips_per_class=6, epochs=1)
    return DefaultJob("Video classification", settings, "generated clips",
                      lambda on_epoch_end: vd.fit_video_models(settings, on_epoch_end))


def forecasting_job() -> DefaultJob:
    settings = fc.ForecastSettings(epochs=2, seeds=1)
    series = fc.prepare_series(datasets.load_builtin_sales(list(datasets.PRODUCTS)[1]), "date", "sales",
                               inputs=datasets.SALES_INPUTS)  # as the page asks for it: the heads without inputs too
    return DefaultJob("Sales forecasting", settings, "built-in sales",
                      lambda on_epoch_end: fc.fit_and_backtest(series, settings, on_epoch_end))


@pytest.mark.parametrize("make_job", [video_job, forecasting_job], ids=["video: four models", "forecasting: frames"])
def test_a_saved_default_loads_with_identical_scores_and_predictions(tmp_path, make_job):
    job, store = make_job(), DefaultStore(tmp_path)
    trained = store.train_and_save(job, nullcontext)
    loaded = store.load(job)
    assert loaded is not None and loaded.model is not trained.model
    assert_same_result(loaded, trained)


def test_a_model_kept_twice_in_a_result_is_loaded_as_one_object(tmp_path):
    store, job = DefaultStore(tmp_path), tiny_job([])
    trained = store.train_and_save(job, nullcontext)
    loaded = store.load(job)
    assert_same_result(loaded, trained)
    assert trained.details["reader"] is trained.model and loaded.details["reader"] is loaded.model


def test_only_a_default_job_is_written_and_through_the_slot_it_is_given(tmp_path):
    """The write path runs the job itself, inside the admission slot: no visitor's result can be handed in."""
    store, trainings, inside = DefaultStore(tmp_path), [], []
    slot_open = threading.Event()

    class Slot:
        def __enter__(self):
            slot_open.set()

        def __exit__(self, *exc):
            slot_open.clear()

    store.train_and_save(tiny_job(trainings, lambda: inside.append(slot_open.is_set())), Slot)
    assert trainings == [1] and inside == [True]
    assert [path.name for path in tmp_path.iterdir()] == [store.entry(tiny_job([])).name]


def test_a_changed_file_is_not_loaded_but_logged_set_aside_and_trained_again(tmp_path, caplog):
    store, trainings = DefaultStore(tmp_path), []
    job = tiny_job(trainings)
    store.train_and_save(job, nullcontext)
    model_file = store.entry(job) / "model-0.keras"
    model_file.write_bytes(model_file.read_bytes()[:-10] + b"0123456789")
    with caplog.at_level(logging.WARNING, logger=default_store.__name__):
        assert store.load(job) is None
    assert "Tiny not loaded" in caplog.text and "model-0.keras changed since it was written" in caplog.text
    assert list(tmp_path.iterdir()) == []  # set aside, so the retrained one takes its place
    store.train_and_save(job, nullcontext)
    assert trainings == [1, 1] and store.load(job) is not None


def test_an_entry_from_other_code_or_packages_is_stale_and_not_loaded(tmp_path, monkeypatch, caplog):
    store, trainings = DefaultStore(tmp_path), []
    job = tiny_job(trainings)
    store.train_and_save(job, nullcontext)
    written_by_others = store.entry(job)
    monkeypatch.setattr(keras, "__version__", "9.9.9")
    assert store.entry(job) != written_by_others and store.load(job) is None  # another name: never found
    written_by_others.rename(store.entry(job))  # and under the name this version looks for: refused
    with caplog.at_level(logging.WARNING, logger=default_store.__name__):
        assert store.load(job) is None
    assert "(stale)" in caplog.text


def test_a_file_that_is_not_one_the_store_writes_is_refused(tmp_path, caplog):
    store, trainings = DefaultStore(tmp_path / "store"), []
    job = tiny_job(trainings)
    store.train_and_save(job, nullcontext)
    entry = store.entry(job)
    manifest = json.loads((entry / MANIFEST).read_text())
    manifest["files"]["../outside.keras"] = manifest["files"].pop("model-0.keras")
    (entry / MANIFEST).write_text(json.dumps(manifest))
    with caplog.at_level(logging.WARNING, logger=default_store.__name__):
        assert store.load(job) is None
    assert "are not those written" in caplog.text


def test_a_link_out_of_the_store_is_not_followed(tmp_path, caplog):
    store, trainings = DefaultStore(tmp_path / "store"), []
    job = tiny_job(trainings)
    store.train_and_save(job, nullcontext)
    model_file = store.entry(job) / "model-0.keras"
    outside = tmp_path / "outside.keras"
    model_file.rename(outside)
    model_file.symlink_to(outside)  # the same bytes, so only the link itself can be refused
    with caplog.at_level(logging.WARNING, logger=default_store.__name__):
        assert store.load(job) is None
    assert "model-0.keras is not a plain file" in caplog.text


def test_loading_opens_no_file_outside_the_entry(tmp_path):
    store, trainings = DefaultStore(tmp_path), []
    job = tiny_job(trainings)
    store.train_and_save(job, nullcontext)
    store.load(job)  # the first load imports what it needs
    opened: list[str] = []
    recording = threading.Event()

    def audit(event, args):
        if recording.is_set() and event == "open" and isinstance(args[0], (str, Path)):
            opened.append(str(args[0]))

    sys.addaudithook(audit)  # cannot be removed; it records only while the event is set
    recording.set()
    try:
        assert store.load(job) is not None
    finally:
        recording.clear()
    entry = str(store.entry(job))
    assert opened and all(path.startswith(entry + "/") for path in opened), opened


def test_two_replicas_saving_at_once_leave_one_valid_entry(tmp_path):
    """Both train (neither waits for the other); the first rename wins and the other copy is dropped."""
    store, trainings, results = DefaultStore(tmp_path), [], []
    both_training = threading.Barrier(2, timeout=30)
    job = tiny_job(trainings, both_training.wait)
    replicas = [threading.Thread(target=lambda: results.append(store.train_and_save(job, nullcontext)))
                for _ in range(2)]
    for thread in replicas:
        thread.start()
    for thread in replicas:
        thread.join(60)
    assert len(results) == 2 and trainings == [1, 1]
    assert [path.name for path in tmp_path.iterdir()] == [store.entry(job).name]  # no half-written copy left
    assert store.load(job) is not None


def test_the_store_is_used_only_where_the_replicas_share_a_directory(monkeypatch, tmp_path):
    monkeypatch.delenv(DEFAULTS_VARIABLE, raising=False)
    assert store_from_environment() is None
    monkeypatch.setenv(DEFAULTS_VARIABLE, str(tmp_path))
    assert store_from_environment().directory == tmp_path
