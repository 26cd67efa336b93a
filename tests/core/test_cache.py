from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from core.cache import (
    ModelCache,
    best_run,
    comparison_rows,
    describe_age,
    estimated_bytes,
    fingerprint,
    model_key,
    run_labels,
    tied_with_best,
)
from core.training import TrainResult


@dataclass(frozen=True)
class Settings:
    cell: str = "gru"
    units: int = 16


def result(settings=Settings(), seconds=1.0, **scores) -> TrainResult:
    return TrainResult(model=None, history={"loss": [1.0]}, settings=settings,
                       seconds=seconds, scores=scores)


def test_same_settings_and_data_give_the_same_key():
    assert model_key("p", Settings(), "abc") == model_key("p", Settings(), "abc")


def test_different_settings_data_or_page_give_different_keys():
    base = model_key("p", Settings(), "abc")
    assert model_key("p", Settings(units=32), "abc") != base
    assert model_key("p", Settings(), "abd") != base
    assert model_key("q", Settings(), "abc") != base


def test_fingerprint_follows_content_not_identity():
    a = np.arange(10, dtype="float32")
    assert fingerprint(a) == fingerprint(a.copy())
    assert fingerprint(a) != fingerprint(a + 1)
    assert fingerprint(a) != fingerprint(a.astype("float64"))
    frame = pd.DataFrame({"date": ["2024-01-01"], "sales": [3.0]})
    assert fingerprint(frame) == fingerprint(frame.copy())
    assert fingerprint(frame) != fingerprint(frame.rename(columns={"sales": "units"}))
    assert fingerprint("some text") != fingerprint("some text.")
    assert fingerprint("ab", "c") != fingerprint("a", "bc")


def test_least_recently_used_is_evicted_first():
    cache = ModelCache({}, max_models=2)
    cache.put("a", "page", "A", result())
    cache.put("b", "page", "B", result())
    assert cache.get("a") is not None  # "a" is now more recent than "b"
    evicted = cache.put("c", "page", "C", result())
    assert evicted == ["b"]
    assert "a" in cache and "c" in cache and "b" not in cache
    assert len(cache) == 2


def test_models_are_evicted_to_stay_within_the_size_bound_but_the_newest_stays():
    cache = ModelCache({}, max_mb=1)
    half_mb = {"kept": np.zeros(2**17, dtype="float32")}
    for key in "abc":
        cache.put(key, "page", key, replace(result(), details=dict(half_mb)))
    assert [e.key for e in cache.entries()] == ["c", "b"] and cache.size_bytes == 2**20
    evicted = cache.put("big", "page", "big", replace(result(), details={"kept": np.zeros(2**19, dtype="float32")}))
    assert evicted == ["b", "c"] and len(cache) == 1  # alone over the bound, and kept


def test_shared_models_cost_a_visitor_nothing():
    cache = ModelCache({}, max_mb=1)
    cache.put("default", "page", "shared", replace(result(), details={"kept": np.zeros(2**20)}), shared=True)
    assert cache.size_bytes == 0 and cache.get("default").shared


def test_size_estimate_counts_weights_optimizer_state_and_arrays_once_each():
    import keras

    inputs = keras.Input((3,))
    model = keras.Model(inputs, keras.layers.Dense(2)(inputs))  # 3 * 2 + 2 = 8 weights
    reader = keras.Model(model.inputs, model.outputs)  # shares the same variables
    assert estimated_bytes(replace(result(), model=model)) == 8 * 4
    model.compile(optimizer="adam", loss="mse")
    model.optimizer.build(model.trainable_variables)
    with_adam = estimated_bytes(replace(result(), model=model))
    assert with_adam >= 3 * 8 * 4  # Adam keeps two more numbers per weight
    kept = {"reader": reader, "predictions": np.zeros(100, dtype="float32"), "nested": {"more": np.zeros(10)}}
    assert estimated_bytes(replace(result(), model=model, details=kept)) == with_adam + 400 + 80


def test_get_of_missing_key_is_none_and_delete_and_clear_forget():
    store = {}
    cache = ModelCache(store)
    assert cache.get("nope") is None
    cache.put("a", "page", "A", result())
    cache.put("b", "page", "B", result())
    cache.delete("a")
    cache.delete("a")  # deleting twice is harmless
    assert list(store) == ["b"]
    cache.clear()
    assert len(cache) == 0


def test_entries_filter_by_page_newest_first():
    clock = iter([10.0, 20.0, 30.0])
    cache = ModelCache({}, clock=lambda: next(clock))
    cache.put("a", "forecast", "A", result())
    cache.put("b", "text", "B", result())
    cache.put("c", "forecast", "C", result())
    assert [e.key for e in cache.entries("forecast")] == ["c", "a"]
    assert [e.key for e in cache.entries()] == ["c", "b", "a"]


def test_comparison_rows_show_only_differing_settings_and_scores():
    clock = iter([0.0, 100.0])
    cache = ModelCache({}, clock=lambda: next(clock))
    cache.put("a", "p", "GRU 16", result(Settings(), seconds=2.04, accuracy=0.81234))
    cache.put("b", "p", "LSTM 16", result(Settings(cell="lstm"), seconds=3.0, accuracy=0.9))
    rows = comparison_rows(cache.entries("p"), now=130.0)
    assert rows[0] == {"run": "run 2 · LSTM 16", "cell": "lstm", "accuracy": 0.9,
                       "train seconds": 3.0, "age": "30 s ago"}
    assert rows[1]["accuracy"] == 0.8123 and "units" not in rows[1]
    assert rows[1]["age"] == "2 min ago"


def test_best_run_reads_the_direction_of_the_main_score():
    cache = ModelCache({})
    cache.put("a", "p", "A", result(accuracy=0.7))
    cache.put("b", "p", "B", result(accuracy=0.9))
    cache.put("c", "p", "C", result(accuracy=0.8))
    entries = cache.entries("p")
    assert entries[best_run(entries)].key == "b"
    errors = ModelCache({})
    errors.put("a", "p", "A", result(**{"GRU model MAE": 14.0}))
    errors.put("b", "p", "B", result(**{"GRU model MAE": 17.0}))
    assert errors.entries("p")[best_run(errors.entries("p"))].key == "a"


def test_best_run_compares_only_runs_scored_alike():
    clock = iter([1.0, 2.0, 3.0])
    cache = ModelCache({}, clock=lambda: next(clock))
    cache.put("a", "p", "A", result(**{"mean abs error": 0.01}))
    cache.put("b", "p", "B", result(accuracy=0.9))
    assert best_run(cache.entries("p")) is None
    cache.put("c", "p", "C", result(accuracy=0.95))
    assert cache.entries("p")[best_run(cache.entries("p"))].key == "c"


def test_run_labels_number_runs_in_training_order():
    clock = iter([1.0, 2.0])
    cache = ModelCache({}, clock=lambda: next(clock))
    cache.put("a", "p", "GRU", result())
    cache.put("b", "p", "GRU", result())
    assert run_labels(cache.entries("p")) == ["run 2 · GRU", "run 1 · GRU"]


def test_describe_age_picks_a_readable_unit():
    assert describe_age(5) == "5 s ago"
    assert describe_age(600) == "10 min ago"
    assert describe_age(7200) == "2 h ago"


def test_cache_bound_holds_under_many_puts():
    cache = ModelCache({}, max_models=3)
    for i in range(20):
        cache.put(str(i), "p", str(i), result(replace(Settings(), units=i)))
    assert sorted(e.key for e in cache.entries()) == ["17", "18", "19"]


def test_runs_within_each_others_noise_tie_and_none_is_marked_best():
    cache = ModelCache({})
    cache.put("a", "p", "A", replace(result(accuracy=0.80), score_noise={"accuracy": 0.02}))
    cache.put("b", "p", "B", replace(result(accuracy=0.82), score_noise={"accuracy": 0.02}))
    cache.put("c", "p", "C", replace(result(accuracy=0.60), score_noise={"accuracy": 0.02}))
    entries = cache.entries("p")
    assert best_run(entries) is None
    assert sorted(entries[i].key for i in tied_with_best(entries)) == ["a", "b"]


def test_equal_scores_without_noise_are_a_tie_too():
    cache = ModelCache({})
    cache.put("a", "p", "A", result(accuracy=1.0))
    cache.put("b", "p", "B", result(accuracy=1.0))
    assert best_run(cache.entries("p")) is None and len(tied_with_best(cache.entries("p"))) == 2


def test_entries_of_one_comparison_group():
    cache = ModelCache({})
    cache.put("a", "p", "A", result(), group="many-to-one")
    cache.put("b", "p", "B", result(), group="one-to-one")
    assert [e.key for e in cache.entries("p", "many-to-one")] == ["a"]
