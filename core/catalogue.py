"""The pages of Sequence Lab: one list read by the navigation and by the home page's cards.

Keeping it in one place means a page cannot appear in the menu without a card
(or the other way round). Only pages that work are listed here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageInfo:
    """One page: its file, menu title and icon, menu section, and the newcomer's blurb."""

    path: str
    title: str
    icon: str
    section: str
    blurb: str


HOME = PageInfo(
    "views/home.py", "Home", ":material/home:", "Start",
    "What sequential data is and which page to open first.",
)

PAGES: tuple[PageInfo, ...] = (
    PageInfo("views/connections.py", "Connection types", ":material/account_tree:", "Foundations",
             "One-to-one, one-to-many, many-to-one, many-to-many and encoder–decoder: each drawn "
             "unrolled, with its tensor shapes, trained live on a toy task you can try."),
    PageInfo("views/internals.py", "RNN internals", ":material/memory:", "Foundations",
             "The forward pass number by number, gradients vanishing and exploding through time, "
             "and how LSTM and GRU gates keep a memory alive."),
    PageInfo("views/beyond.py", "Beyond recurrence", ":material/hub:", "Foundations",
             "SimpleRNN, LSTM, GRU, a temporal convolutional network and a small Transformer on the same task: "
             "who remembers, who sees far enough, where attention looks, and what reading in parallel buys."),
    PageInfo("views/textgen.py", "Text generation", ":material/edit_note:", "Applications",
             "Train a next-word model on clothing descriptions (or your own text), let it write from your "
             "seed words, and see where it puts each word."),
    PageInfo("views/video.py", "Video classification", ":material/movie:", "Applications",
             "A CNN reads each frame, a recurrent layer reads them in order, a 3D CNN sees a few frames at once: "
             "see which of them tells left from right, and why a frame-by-frame model cannot."),
    PageInfo("views/captioning.py", "Image captioning", ":material/image:", "Applications",
             "A CNN encodes a generated scene and a recurrent decoder writes what it shows, word by word: watch "
             "greedy and beam search decide, see where attention looks, and test it on pairs it never saw."),
    PageInfo("views/forecasting.py", "Sales forecasting", ":material/trending_up:", "Applications",
             "Forecast a shop's daily sales (or your own CSV) and see, honestly, whether the model beats "
             "'same as last week'."),
)


def sections() -> dict[str, list[PageInfo]]:
    """Pages grouped by menu section, home first, in the order they are declared."""
    grouped: dict[str, list[PageInfo]] = {}
    for page in (HOME, *PAGES):
        grouped.setdefault(page.section, []).append(page)
    return grouped
