"""A guided first visit: the path through the pages, and a few experiments per page with what to expect.

Teaching tools are often found daunting on a first visit; a short path ("start here, then there, because…")
and two or three ready experiments per page give a newcomer something to do and something to look for.
This module is data only (no Streamlit, no Keras): ui/guide.py draws it, tests/core/test_guide.py checks
that every experiment sets real knobs within their bounds and that the promised outcome happens where it
can be computed without training.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.catalogue import HOME, PAGES, PageInfo


@dataclass(frozen=True)
class Experiment:
    """Knob values to set on a page, what the visitor should then see, and why it happens.

    ``settings`` names the settings dataclass whose knobs ``values`` sets ("core.internals:GradientSettings",
    resolved only by the tests, so this module never imports Keras); ``group`` is the widget group the page
    gives those knobs ("bptt" for widget keys "RNN internals.bptt.<name>"), empty for the page's main knobs.
    """

    title: str
    settings: str
    values: dict[str, Any] = field(hash=False)
    expect: str
    why: str
    group: str = ""

    def widget_values(self, page_title: str) -> dict[str, Any]:
        """The values by widget key (``"<page>.<group>.<name>"``), as the page's widgets store them."""
        prefix = f"{page_title}.{self.group}." if self.group else f"{page_title}."
        return {prefix + name: value for name, value in self.values.items()}


# Why each page comes where it does on the path (the catalogue's order).
WHY = {
    "views/connections.py": "Start here: what a sequence model takes in and gives out, drawn step by step.",
    "views/internals.py": "Open the box: the numbers inside one step, and why long memories are hard to learn.",
    "views/beyond.py": "Past recurrence: convolutions and attention against the recurrent cells, on the same tasks.",
    "views/textgen.py": "A first real task: guess the next word, then let the model write.",
    "views/video.py": "Why order matters: a model that reads frames in order against one that cannot.",
    "views/captioning.py": "Sequences out of a picture: a decoder writes word by word and looks where it needs.",
    "views/forecasting.py": "Forecast real sales, and check honestly whether the model beats simple rules.",
}

TRY_THIS: dict[str, tuple[Experiment, ...]] = {
    "views/connections.py": (
        Experiment("One output per step", "core.connections:ConnectionSettings", {"pattern": "many_to_many"},
                   "The diagram grows an output y_t above every step, and the output shape gains a time axis.",
                   "Many-to-many reads each step and answers at once, before the sequence ends."),
        Experiment("Squeeze its memory", "core.connections:ConnectionSettings", {"units": 4},
                   "Held-out accuracy drops below the default model's after training.",
                   "Four numbers are too few to carry what the task needs from the early steps to the end."),
        Experiment("Let the decoder look back", "core.connections:ConnectionSettings",
                   {"pattern": "encoder_decoder", "attention": True},
                   "Exact match by digits stays higher on long numbers than without attention.",
                   "With attention the decoder reads each digit again when it needs it, instead of one summary."),
    ),
    "views/internals.py": (
        Experiment("Make the gradient explode", "core.internals:GradientSettings",
                   {"spectral_radius": 1.5, "activation": "linear"},
                   "The gradient norm grows by orders of magnitude as it travels back: it explodes.",
                   "Each step back multiplies by W_hh, which stretches by 1.5: 1.5 to the 60th power is huge.",
                   group="bptt"),
        Experiment("Make it vanish", "core.internals:GradientSettings",
                   {"spectral_radius": 0.5, "activation": "linear"},
                   "The gradient norm falls to almost nothing a few dozen steps back: it vanishes.",
                   "Multiplying by 0.5 again and again shrinks the error signal towards zero.", group="bptt"),
        Experiment("Clip it", "core.internals:GradientSettings",
                   {"spectral_radius": 1.5, "activation": "linear", "clip_norm": 1.0},
                   "The clipped curve stays flat at 1 while the full one explodes.",
                   "Clipping rescales any gradient longer than the limit, so no step can blow up.", group="bptt"),
    ),
    "views/beyond.py": (
        Experiment("Let the TCN see further", "core.beyond:BeyondSettings", {"tcn_levels": 6},
                   "The receptive field grows to 127 steps and covers every length: the TCN can reach the key.",
                   "Each level doubles the gap its convolution skips, so six levels of kernel 3 see 1 + 2 × 63 steps."),
        Experiment("Count a local pattern", "core.beyond:BeyondSettings", {"task": "motif"},
                   "The TCN does well here: the motif is short, well within its receptive field.",
                   "Convolutions read nearby steps together, which is what counting a short motif needs."),
    ),
    "views/textgen.py": (
        Experiment("Read characters, not words", "core.text:TextSettings", {"level": "character"},
                   "The vocabulary shrinks to a few dozen characters and the text is written letter by letter.",
                   "A character model must learn spelling too, so it needs longer contexts and more epochs."),
        Experiment("Heat it up", "core.text:GenerationSettings", {"temperature": 1.5},
                   "The generated text gets more surprising and less grammatical.",
                   "Temperature above 1 flattens the probabilities, so unlikely words are drawn more often."),
    ),
    "views/video.py": (
        Experiment("Fewer frames", "core.video:VideoSettings", {"frames": 4},
                   "All three models still train; the CNN+RNN reads 4 steps, and the 3D CNN's 3-frame view is most "
                   "of the clip.",
                   "Direction shows only across frames; with four, each step moves the shape further."),
        Experiment("A noisier world", "core.video:VideoSettings", {"noise": 0.4},
                   "Accuracy falls for both models; the CNN+RNN keeps its lead on the direction pairs.",
                   "Speckle hides the shape in each frame; order still tells left from right."),
    ),
    "views/captioning.py": (
        Experiment("Switch attention off", "core.captioning:CaptionSettings", {"attention": False},
                   "Captions of two-shape scenes get more mistakes, and the attention pictures disappear.",
                   "Without attention the decoder must keep the whole picture in its starting state."),
        Experiment("More unseen pairs", "core.captioning:CaptionSettings", {"held_out_pairs": 3},
                   "More test scenes show colour–shape pairs the model never saw.",
                   "Held-out pairs test whether it combines colour and shape, or memorised whole scenes."),
    ),
    "views/forecasting.py": (
        Experiment("Look back three points", "core.forecasting:ForecastSettings", {"window": 3},
                   "The window no longer spans a season (7 days of daily sales, 12 months of monthly data): the "
                   "networks can lose the seasonal rise and fall, and 'same as last season' may now beat them.",
                   "A window shorter than a season cannot show a pattern that repeats every season."),
        Experiment("Forecast further ahead", "core.forecasting:ForecastSettings", {"horizon": 28},
                   "28 points ahead (four weeks of daily sales): the errors grow and the likely range widens.",
                   "The further ahead, the more can happen that the past does not show."),
    ),
}


def next_page(path: str) -> PageInfo | None:
    """The page after ``path`` on the path (the catalogue's order), or None after the last one."""
    order = [HOME, *PAGES]
    index = next((i for i, page in enumerate(order) if page.path == path), None)
    return order[index + 1] if index is not None and index + 1 < len(order) else None
