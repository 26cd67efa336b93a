"""What happened in a training run, in plain words: small rules over the curves and scores.

Each rule is a function of one :class:`Run` that returns a :class:`Finding` or
None. They read the same numbers the charts show, so a user can check every
sentence against the curve it talks about. A page passes what it knows (its
verdict against the baseline, each model's held-out score and what chance
scores, how many examples it trained on) and shows the findings that fire.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from core.verdicts import Verdict

RISE = 0.02  # a validation loss this much above its best counts as rising
STILL_FALLING = 0.01  # a last-epoch drop this large says more epochs would help
FLAT = 0.03  # a loss that fell less than this share over the run did not learn
JUMPY_SHARE = 0.34  # rising in more than this share of epochs means the steps are too big
PARAMETERS_PER_EXAMPLE = 10  # more weights than this per training example is a lot
GAP = 0.15  # training accuracy this far above validation, or loss this many times lower, is a gap


PERFECT = 0.995  # a held-out score (accuracy-like) at least this high leaves nothing for more epochs to fix
FAR_BELOW = 0.25  # a model this far below its best sibling's held-out score is failing where they succeed
TINY_LOSS = 1e-3  # a validation loss below this is as good as done


@dataclass(frozen=True)
class HeldOut:
    """Each model's score on data it never trained on (higher is better, like accuracy) and what chance scores.

    ``units`` is how many held-out examples each score rests on, so "no better
    than chance" allows for the noise of that many; ``when_failing`` is the
    page's likely reason for a failing model and the knob to try.
    """

    scores: dict[str, float]
    chance: float | None = None
    units: int = 0
    when_failing: str = "try another cell, more units, more epochs or a learning rate one step either way"

    def noise(self) -> float:
        """Two standard errors of a score near chance on ``units`` examples: closer to chance than this is chance."""
        if self.chance is None or not self.units:
            return 0.0
        return 2 * math.sqrt(self.chance * (1 - self.chance) / self.units)


@dataclass(frozen=True)
class Run:
    """What a page knows about one training run.

    ``histories`` maps a model's name to its Keras history (several when a page
    trains more than one model per click). ``restores_best_epoch`` is true when
    early stopping kept the weights of the best validation epoch. ``verdict``
    is the page's comparison with its baseline (``core.verdicts``), and
    ``held_out`` each model's score on unseen data, when the page has them.
    """

    histories: dict[str, dict[str, list[float]]]
    parameters: int = 0
    training_examples: int = 0
    verdict: Verdict | None = None
    restores_best_epoch: bool = False
    held_out: HeldOut | None = None


def run_of(result: Any, histories: dict[str, dict[str, list[float]]] | None = None,
           verdict: Verdict | None = None, restores_best_epoch: bool = False, held_out: HeldOut | None = None) -> Run:
    """The facts of a finished ``TrainResult``: its curves (or ``histories`` of all its models) and sizes."""
    return Run(histories or {"model": result.history}, result.model.count_params(), result.training_examples,
               verdict, restores_best_epoch, held_out)


@dataclass(frozen=True)
class Finding:
    """One sentence about the run: what was seen, and what to try."""

    rule: str
    seen: str
    advice: str
    severity: str = "warning"  # "warning" for problems, "info" for hints
    models: tuple[str, ...] = field(default=())

    def text(self) -> str:
        """The finding as one line, naming the models it is about when the page trained several."""
        who = f"**{', '.join(self.models)}:** " if self.models else ""
        return f"{who}{self.seen[:1].upper()}{self.seen[1:]} — {self.advice}"


def _per_model(run: Run, check: Callable[[dict[str, list[float]]], tuple[str, str] | None],
               rule: str, severity: str = "warning", models: list[str] | None = None) -> Finding | None:
    """Apply a per-history check to every model (or to ``models``); one finding naming those where it fired.

    The words come from the first model it fired on; with one model, no name is given.
    """
    chosen = run.histories if models is None else {name: run.histories[name] for name in models}
    fired = {name: said for name, history in chosen.items() if (said := check(history)) is not None}
    if not fired:
        return None
    seen, advice = next(iter(fired.values()))
    names = tuple(fired) if len(run.histories) > 1 else ()
    return Finding(rule, seen, advice, severity, names)


def _losses(history: dict[str, list[float]], key: str) -> list[float]:
    return list(history.get(key, []))


def loss_not_finite(run: Run) -> Finding | None:
    """Training blew up: the loss became NaN or infinite."""
    def check(history):
        train = _losses(history, "loss")
        if all(map(math.isfinite, train + _losses(history, "val_loss"))):
            return None
        first = next((epoch for epoch, v in enumerate(train, start=1) if not math.isfinite(v)), None)
        where = f" at epoch {first}" if first else ""
        return (f"the loss became NaN or infinite{where}: the weights blew up",
                "lower the learning rate (updates too big explode); gradient clipping would also cap them")
    return _per_model(run, check, "loss_not_finite")


def memorising(run: Run) -> Finding | None:
    """Validation loss rose for a while after its best epoch while training loss kept falling."""
    def check(history):
        train, val = _losses(history, "loss"), _losses(history, "val_loss")
        if len(val) < 3 or not all(map(math.isfinite, train + val)):
            return None
        best = min(range(len(val)), key=val.__getitem__)
        after = len(val) - 1 - best
        rose = val[-1] > val[best] * (1 + RISE)
        train_fell = train[-1] < train[best]
        if after < 2 or not (rose and train_fell):
            return None
        kept = (" Early stopping kept the weights of that best epoch." if run.restores_best_epoch else "")
        return (f"validation loss rose after epoch {best + 1} while training loss kept falling: the model "
                f"is memorising the training examples.{kept}",
                "try fewer epochs, dropout where offered, fewer units or more data")
    # with the best epoch's weights kept, the scores shown are from before the memorising began: a hint, not harm
    return _per_model(run, check, "memorising", severity="info" if run.restores_best_epoch else "warning")


def _last_drop(history: dict[str, list[float]]) -> float | None:
    """The share by which validation loss (training loss without one) fell in the last epoch, when both losses were
    still clearly falling there and more epochs could help; None otherwise."""
    train, val = _losses(history, "loss"), _losses(history, "val_loss") or _losses(history, "loss")
    if len(train) < 2 or not all(map(math.isfinite, train + val)):
        return None
    last_drop = (val[-2] - val[-1]) / abs(val[-2]) if val[-2] else 0.0
    if last_drop > STILL_FALLING and val[-1] <= min(val) and train[-1] < train[-2] and val[-1] > TINY_LOSS:
        return last_drop
    return None


def still_learning(run: Run) -> Finding | None:
    """Both losses were still clearly falling at the last epoch."""
    def check(history):
        if (last_drop := _last_drop(history)) is None:
            return None
        return (f"training and validation loss were still falling at the last epoch ({last_drop:.0%} in "
                "its final step)", "more epochs may help")
    return _per_model(run, check, "still_learning", severity="info", models=_not_done(run))


def _not_done(run: Run) -> list[str]:
    """The models more training could still improve: all but those already perfect on held-out data."""
    scores = run.held_out.scores if run.held_out else {}
    return [name for name in run.histories if scores.get(name, 0.0) < PERFECT]


def not_learning(run: Run) -> Finding | None:
    """The training loss hardly moved from the first epoch to the last."""
    def check(history):
        train = _losses(history, "loss")
        if len(train) < 3 or not all(map(math.isfinite, train)) or train[0] <= 0:
            return None
        if (train[0] - min(train)) / train[0] < FLAT:
            return (f"the training loss hardly moved ({train[0]:.3g} after epoch 1, best {min(train):.3g})",
                    "the learning rate may be too low to move or too high to settle; try the next value either "
                    "way, or more units")
        return None
    return _per_model(run, check, "not_learning")


def jumpy(run: Run) -> Finding | None:
    """The training loss went up in many epochs: the steps overshoot."""
    def check(history):
        train = _losses(history, "loss")
        if len(train) < 4 or not all(map(math.isfinite, train)):
            return None
        rises = sum(later > earlier for earlier, later in itertools.pairwise(train[1:]))
        if rises / (len(train) - 2) > JUMPY_SHARE:
            return (f"the training loss went up in {rises} of {len(train) - 2} epochs after the second",
                    "the steps may be too big: lower the learning rate or raise the batch size")
        return None
    return _per_model(run, check, "jumpy")


def too_little_data(run: Run) -> Finding | None:
    """Many weights per training example, and a clear gap between training and validation."""
    if not run.training_examples or run.parameters < PARAMETERS_PER_EXAMPLE * run.training_examples:
        return None

    def check(history):
        if "accuracy" in history and "val_accuracy" in history:
            trained, validated = history["accuracy"][-1], history["val_accuracy"][-1]
            gap = trained - validated
            shown = f"training accuracy {trained:.0%} against validation {validated:.0%}"
        elif history.get("val_loss"):
            gap = (history["val_loss"][-1] - history["loss"][-1]) / max(abs(history["val_loss"][-1]), 1e-12)
            shown = f"validation loss {history['val_loss'][-1]:.3g} against training {history['loss'][-1]:.3g}"
        else:
            return None
        if gap > GAP:
            return (f"{run.parameters:,} weights for {run.training_examples:,} training examples, and "
                    f"{shown}: too little data for this many units",
                    "use fewer units or layers, or more data")
        return None
    return _per_model(run, check, "too_little_data")


def baseline_not_beaten(run: Run) -> Finding | None:
    """The model did no better than the page's baseline on the same held-out data (a tie counts: it did not beat it).

    What to try depends on why: with too few independent groups nothing can be
    told apart, so only more held-out data helps; otherwise more epochs help
    only while validation loss is still falling.
    """
    verdict = run.verdict
    if verdict is None or verdict.winner == "model":
        return None
    c = verdict.comparison
    model, baseline = same_decimals(c.model, c.baseline)
    seen = f"the model ({c.metric} {model}) did not beat {verdict.baseline} ({baseline})"
    if not c.enough_groups:
        return Finding("baseline_not_beaten", f"{seen}: too few independent groups of held-out data ({c.groups}) "
                       "to tell the two apart", "more held-out data would tell them apart; until then neither is "
                       "better")
    if c.identical:
        seen = f"{seen}: they scored the same on every held-out unit"
    elif verdict.winner == "tie":
        gap = "a steady difference, but too small to count" if c.reliable else "the difference is within the noise"
        seen = f"{seen}: {gap}"
    if any(_last_drop(history) is not None for history in run.histories.values()):
        longer = "train longer (validation loss was still falling), "
    else:
        longer = "more epochs will not close it (validation loss had stopped falling); "
    who = "as good as" if verdict.winner == "tie" else "better than"
    return Finding("baseline_not_beaten", seen, f"the baseline is {who} the model here: {longer}change the cell or "
                   "window, or accept that there is little more to learn from this much data")


def same_decimals(*values: float) -> list[str]:
    """``values`` with one number of decimals, enough for three significant digits of each: 0.280 beside 0.277,
    not 0.28 beside 0.277, which reads as if one were rounded more than the other."""
    finite = [abs(v) for v in values if math.isfinite(v) and v]
    decimals = max((max(0, 2 - math.floor(math.log10(v))) for v in finite), default=0)
    return [f"{v:.{decimals}f}" for v in values]


def failing(run: Run) -> Finding | None:
    """A model no better than chance on held-out data, or far below the other models trained beside it."""
    held = run.held_out
    if held is None or not held.scores:
        return None
    best = max(held.scores.values())
    at_chance = {name: score for name, score in held.scores.items()
                 if held.chance is not None and score <= held.chance + held.noise()}
    far_below = {name: score for name, score in held.scores.items()
                 if name not in at_chance and len(held.scores) > 1 and best - score > FAR_BELOW}
    if not at_chance and not far_below:
        return None
    parts = {name: f"scored {score:.0%} on unseen data, no better than guessing ({held.chance:.0%})"
             for name, score in at_chance.items()}
    parts |= {name: f"scored {score:.0%} on unseen data, far below the best model's {best:.0%}"
              for name, score in far_below.items()}
    seen = next(iter(parts.values())) if len(parts) == 1 else "; ".join(f"{n} {said}" for n, said in parts.items())
    names = tuple(parts) if len(run.histories) > 1 else ()
    return Finding("failing", f"{seen}: it failed to learn the task", held.when_failing, "warning", names)


RULES: tuple[Callable[[Run], Finding | None], ...] = (
    loss_not_finite, failing, baseline_not_beaten, memorising, too_little_data, not_learning, jumpy, still_learning)


def all_clear(run: Run) -> str:
    """What the page may say when no rule warns: only the checks this run could be put to, and the verdict's own
    words about the baseline (a tie is not called a win)."""
    checks = ["no blow-up", "no memorising", "no stalling"]
    if run.held_out is not None:
        checks.append("every model did better than guessing")
    said = f"Nothing went wrong that the rules can see: {', '.join(checks)}."
    if run.verdict is not None and run.verdict.winner == "model":
        said += f" The model beat {run.verdict.baseline} past the noise."
    return said


def diagnose(run: Run) -> list[Finding]:
    """Every rule that fires, most serious first (a NaN loss makes the other curve rules moot)."""
    findings = [f for rule in RULES if (f := rule(run)) is not None]
    if any(f.rule == "loss_not_finite" for f in findings):
        return [f for f in findings if f.rule in ("loss_not_finite", "failing", "baseline_not_beaten")]
    return findings
