"""Each diagnosis rule: one run that fires it, one that does not."""

import math

import numpy as np
import pytest

from core import diagnosis as dx
from core import verdicts as vs

FALLING = [1.0, 0.7, 0.5, 0.4, 0.35, 0.33, 0.32, 0.315]
SETTLED = [1.0, 0.6, 0.5, 0.48, 0.47, 0.469, 0.4689, 0.4688]


def run(loss, val_loss=None, **facts) -> dx.Run:
    history = {"loss": loss} | ({"val_loss": val_loss} if val_loss is not None else {})
    return dx.Run({"model": history}, **facts)


def rules_fired(r: dx.Run) -> set[str]:
    return {f.rule for f in dx.diagnose(r)}


def test_nan_loss_fires_and_names_the_epoch():
    finding = dx.loss_not_finite(run([1.0, 3.0, math.nan, math.nan], [1.0, 4.0, math.nan, math.nan]))
    assert finding is not None and "epoch 3" in finding.seen and "learning rate" in finding.advice
    assert dx.loss_not_finite(run(SETTLED, SETTLED)) is None


def test_nan_hides_the_curve_rules_it_makes_moot():
    assert rules_fired(run([1.0, 2.0, 5.0, math.inf], [1.0, 2.0, 5.0, math.inf])) == {"loss_not_finite"}


def test_memorising_fires_when_validation_turns_up_while_training_falls():
    val = [1.0, 0.7, 0.55, 0.5, 0.52, 0.56, 0.6, 0.65]
    finding = dx.memorising(run(FALLING, val))
    assert finding is not None and "after epoch 4" in finding.seen
    assert dx.memorising(run(FALLING, FALLING)) is None


def test_memorising_says_when_early_stopping_kept_the_best_epoch():
    val = [1.0, 0.7, 0.55, 0.5, 0.52, 0.56, 0.6, 0.65]
    assert "Early stopping kept" in dx.memorising(run(FALLING, val, restores_best_epoch=True)).seen


def test_one_noisy_epoch_at_the_end_is_not_memorising():
    val = [1.0, 0.7, 0.55, 0.5, 0.45, 0.42, 0.40, 0.41]
    assert dx.memorising(run(FALLING, val)) is None


def test_still_learning_fires_only_while_both_losses_fall():
    finding = dx.still_learning(run(FALLING, [v + 0.1 for v in FALLING]))
    assert finding is not None and finding.severity == "info" and "more epochs" in finding.advice
    assert dx.still_learning(run(SETTLED, SETTLED)) is None


def test_not_learning_fires_on_a_flat_loss():
    assert dx.not_learning(run([0.693, 0.692, 0.693, 0.691, 0.692])) is not None
    assert dx.not_learning(run(FALLING)) is None


def test_jumpy_fires_when_the_loss_keeps_going_up():
    assert dx.jumpy(run([1.0, 0.8, 0.9, 0.7, 0.85, 0.6, 0.75, 0.5])) is not None
    assert dx.jumpy(run(FALLING)) is None


def test_too_little_data_needs_both_many_weights_and_a_gap():
    history = {"loss": [0.5, 0.1], "val_loss": [0.8, 1.2], "accuracy": [0.8, 0.99], "val_accuracy": [0.6, 0.62]}
    small = dx.Run({"m": history}, parameters=50_000, training_examples=400)
    assert dx.too_little_data(small) is not None
    plenty = dx.Run({"m": history}, parameters=50_000, training_examples=40_000)
    assert dx.too_little_data(plenty) is None
    no_gap = dx.Run({"m": history | {"val_accuracy": [0.8, 0.98]}}, parameters=50_000, training_examples=400)
    assert dx.too_little_data(no_gap) is None


@pytest.mark.parametrize(("model", "base", "higher", "fires"), [
    (0.40, 0.50, True, True), (0.60, 0.50, True, False),  # accuracies
    (14.0, 17.0, False, False), (18.0, 17.0, False, True),  # errors
])
def test_baseline_not_beaten(model, base, higher, fires):
    units = np.ones(200)
    comparison = vs.compare(units * model, units * base, "score", higher_is_better=higher)
    r = run(SETTLED, SETTLED, verdict=vs.verdict(comparison, "model", "seasonal naive", "the test part"))
    assert (dx.baseline_not_beaten(r) is not None) is fires


def test_a_tie_is_not_beating_the_baseline():
    rng = np.random.default_rng(0)
    comparison = vs.compare(rng.random(40), rng.random(40), "MAE", higher_is_better=False)
    finding = dx.baseline_not_beaten(run(SETTLED, SETTLED, verdict=vs.verdict(comparison, "m", "naive", "40 days")))
    assert finding is not None and "within the noise" in finding.seen


def test_more_epochs_are_advised_against_the_baseline_only_while_validation_loss_still_falls():
    units = np.ones(200)
    lost = vs.verdict(vs.compare(units * 0.28, units * 0.277, "accuracy", higher_is_better=True), "model", "counts",
                      "the test part")
    settled = dx.baseline_not_beaten(run(SETTLED, SETTLED, verdict=lost))
    assert "more epochs will not close it" in settled.advice and "train longer" not in settled.advice
    assert "train longer" in dx.baseline_not_beaten(run(FALLING, FALLING, verdict=lost)).advice
    assert "(accuracy 0.280) did not beat counts (0.277): a steady difference, but too small" in settled.seen
    assert settled.advice.startswith("the baseline is as good as the model here")


def test_identical_scores_are_said_to_be_the_same_not_noise():
    same = vs.verdict(vs.compare(np.ones(50), np.ones(50), "accuracy", higher_is_better=True), "model", "rule", "50")
    assert dx.baseline_not_beaten(run(SETTLED, SETTLED, verdict=same)).seen.endswith(
        "they scored the same on every held-out unit")


def test_with_too_few_groups_only_more_held_out_data_is_advised():
    comparison = vs.compare(np.full(12, 23.9), np.full(12, 17.9), "MAE", higher_is_better=False,
                            groups=np.repeat([0, 1], 6))  # two forecast horizons: two groups
    finding = dx.baseline_not_beaten(run(FALLING, FALLING, verdict=vs.verdict(comparison, "model", "ARIMA", "2")))
    assert "too few independent groups of held-out data (2)" in finding.seen
    assert finding.advice == "more held-out data would tell them apart; until then neither is better"


@pytest.mark.parametrize(("values", "shown"), [
    ((0.28, 0.277), ["0.280", "0.277"]), ((23.9, 17.94), ["23.9", "17.9"]), ((1234.0, 12.3), ["1234.0", "12.3"]),
    ((0.0, 5.0), ["0.00", "5.00"]), ((math.inf, 2.0), ["inf", "2.00"]),
])
def test_numbers_set_side_by_side_share_their_decimals(values, shown):
    assert dx.same_decimals(*values) == shown


def test_a_model_at_chance_is_named_as_failing_with_the_page_advice():
    held = dx.HeldOut({"SimpleRNN": 0.18, "LSTM": 1.0, "GRU": 1.0}, chance=0.25, units=500, when_failing="use a gate")
    r = dx.Run({cell: {"loss": SETTLED} for cell in ("SimpleRNN", "LSTM", "GRU")}, held_out=held)
    finding = dx.failing(r)
    assert finding.models == ("SimpleRNN",) and "no better than guessing (25%)" in finding.seen
    assert finding.advice == "use a gate" and finding.severity == "warning"
    assert "SimpleRNN" in dx.diagnose(r)[0].text()


def test_a_model_far_below_its_siblings_is_failing_even_above_chance():
    held = dx.HeldOut({"A": 0.55, "B": 0.97}, chance=0.25, units=500)
    finding = dx.failing(dx.Run({"A": {"loss": SETTLED}, "B": {"loss": SETTLED}}, held_out=held))
    assert finding.models == ("A",) and "far below" in finding.seen


def test_scores_near_chance_within_the_noise_count_as_chance():
    near = dx.HeldOut({"model": 0.27}, chance=0.25, units=100)  # 2 standard errors of 100 examples: 8.7 points
    assert dx.failing(dx.Run({"model": {"loss": SETTLED}}, held_out=near)) is not None
    clear = dx.HeldOut({"model": 0.45}, chance=0.25, units=100)
    assert dx.failing(dx.Run({"model": {"loss": SETTLED}}, held_out=clear)) is None


def test_a_perfect_model_is_not_told_that_more_epochs_may_help():
    still = run(FALLING, [v + 0.1 for v in FALLING])
    assert dx.still_learning(still) is not None
    perfect = run(FALLING, [v + 0.1 for v in FALLING], held_out=dx.HeldOut({"model": 1.0}))
    assert dx.still_learning(perfect) is None


def test_memorising_is_a_hint_when_early_stopping_kept_the_best_epoch():
    val = [1.0, 0.7, 0.55, 0.5, 0.52, 0.56, 0.6, 0.65]
    assert dx.memorising(run(FALLING, val)).severity == "warning"
    assert dx.memorising(run(FALLING, val, restores_best_epoch=True)).severity == "info"


def test_all_clear_claims_a_win_only_when_the_verdict_is_one():
    units = np.ones(100)
    tie = vs.verdict(vs.compare(units, units, "MAE", False), "model", "naive", "100 days")
    assert "beat" not in dx.all_clear(run(SETTLED, SETTLED, verdict=tie))
    win = vs.verdict(vs.compare(units, units * 2, "MAE", False), "model", "naive", "100 days")
    assert "beat naive past the noise" in dx.all_clear(run(SETTLED, SETTLED, verdict=win))


def test_findings_name_the_models_when_a_page_trains_several():
    val_up = [1.0, 0.7, 0.55, 0.5, 0.52, 0.56, 0.6, 0.65]
    r = dx.Run({"LSTM": {"loss": FALLING, "val_loss": val_up}, "GRU": {"loss": FALLING, "val_loss": FALLING}})
    finding = dx.memorising(r)
    assert finding.models == ("LSTM",) and finding.text().startswith("**LSTM:**")
    assert finding.text()[len("**LSTM:** ")].isupper()  # a sentence, though the rule's words start lower-case


def test_a_healthy_run_fires_no_warning():
    assert not [f for f in dx.diagnose(run(SETTLED, [v + 0.02 for v in SETTLED])) if f.severity == "warning"]
