"""An honest held-out split of a text: repeated lines removed first, then documents (or blocks) held out.

Uploaded text repeats itself: documentation repeats its notes ("Changed in
version 3.3."), a shop repeats its descriptions. Split first and deduplicate
later, and the same line lands on both sides: the model is then scored on text
it trained on, and every score is inflated (41 % of the validation tokens of
the Python reference came from such lines). So lines are deduplicated *before*
the split, by exact text and by a normalised form (case, punctuation, spacing
and numbers ignored), and the split is checked afterwards: no validation
document may occur in training.

Everything here works on strings, before tokens: the same split serves word
and character models, and the page can say what was removed in its own words.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

VALIDATION_SHARE = 0.1
MIN_DOCUMENTS = 10  # fewer distinct lines than this: the text is cut into contiguous blocks instead
BLOCK_WORDS, MIN_BLOCKS, MAX_BLOCKS = 300, 20, 100  # a text with few lines: blocks of about 300 words, 20 to 100
_WORD = re.compile(r"[^\W_]+")  # runs of letters and digits in any script; punctuation, symbols and emoji end them
_DIGITS = re.compile(r"\d+")
_LETTER = re.compile(r"[^\W\d_]")


def normalise(line: str) -> str:
    """The form two lines are compared in: case, punctuation, symbols, spacing and (beside letters) numbers ignored.

    "Changed in version 3.3." and "changed in version 3.12" are the same line
    to a reader learning the language, so numbers become 0 when the line has
    letters; a line of numbers only keeps its digits (else every such line
    would be one). A line with no letters or digits (emoji, punctuation) is
    compared by its exact text.
    """
    text = unicodedata.normalize("NFKC", line).casefold()
    if _LETTER.search(text):
        text = _DIGITS.sub("0", text)
    return " ".join(_WORD.findall(text)) or line.strip()


@dataclass(frozen=True)
class Deduplicated:
    """The lines kept (first occurrence of each, in reading order) and how many of each kind were dropped."""

    documents: tuple[str, ...]
    exact_duplicates: int  # the same text as an earlier line, once trimmed
    near_duplicates: int  # not the same text, but the same normalised text as an earlier line


def deduplicate(lines: Sequence[str]) -> Deduplicated:
    """Keep the first of each group of lines with the same normalised text; count what was dropped."""
    kept: list[str] = []
    seen_exact: set[str] = set()
    seen_normalised: set[str] = set()
    exact = near = 0
    for line in (raw.strip() for raw in lines):
        if not line:
            continue
        key = normalise(line)
        if key not in seen_normalised:
            kept.append(line)
            seen_normalised.add(key)
        elif line in seen_exact:
            exact += 1
        else:
            near += 1
        seen_exact.add(line)
    return Deduplicated(tuple(kept), exact, near)


def block_count(words: int) -> int:
    """How many blocks a text of ``words`` words is cut into: one per ~300 words, at least 20, at most 100.

    Measured on two real texts joined into five lines (bench/freetext.py):
    held-out blocks share fewer 8-grams with training than 40-token pieces
    held out at random, and score the yardstick lower (text from elsewhere in
    the document is harder than the piece next door); 20 blocks vary most
    from seed to seed (two held out), 100 least.
    """
    return min(MAX_BLOCKS, max(MIN_BLOCKS, words // BLOCK_WORDS), words)


def contiguous_blocks(documents: Sequence[str], count: int | None = None) -> list[str]:
    """The words of ``documents``, in reading order, cut into contiguous blocks of near-equal length.

    For free text with few line breaks (``count`` defaults to :func:`block_count`).
    A held-out block touches training text only at its two edges; short
    pieces held out at random sit next to training pieces on both sides, so a
    validation piece continues the sentence of the training piece before it.
    """
    words = " ".join(documents).split()
    count = min(count or block_count(len(words)), len(words))
    edges = np.linspace(0, len(words), count + 1).round().astype(int)
    return [" ".join(words[start:end]) for start, end in itertools.pairwise(edges)]


def held_out_indices(count: int, share: float, seed: int) -> np.ndarray:
    """Which of ``count`` documents are held out: ``share`` of them (at least one, never all), drawn with ``seed``."""
    held_out = min(max(1, round(count * share)), count - 1)
    return np.sort(np.random.default_rng(seed).permutation(count)[:held_out])


def leaked_documents(train: Sequence[str], validation: Sequence[str]) -> int:
    """How many validation documents occur in training, compared in their normalised form (must be 0)."""
    seen = {normalise(document) for document in train}
    return sum(normalise(document) in seen for document in validation)


@dataclass(frozen=True)
class SplitReport:
    """What the split did, in counts the page prints."""

    lines_read: int  # non-empty lines of the upload
    exact_duplicates: int  # lines removed because the same text came earlier
    near_duplicates: int  # lines removed because the same text, up to case, punctuation and numbers, came earlier
    blocks: int  # 0: split by document; otherwise the text was cut into this many contiguous blocks
    train_documents: int
    validation_documents: int
    leaked_documents: int  # validation documents whose normalised text occurs in training

    @property
    def duplicates_removed(self) -> int:
        return self.exact_duplicates + self.near_duplicates

    def sentence(self) -> str:
        """The split in one line: "212 repeated lines removed; no validation document occurs in training."."""
        removed = self.duplicates_removed
        parts = [f"{removed:,} repeated line{'' if removed == 1 else 's'} removed"
                 + (f" ({self.near_duplicates:,} differing only in case, punctuation or numbers)"
                    if self.near_duplicates else "") if removed else "no repeated lines"]
        if self.blocks:
            parts.append(f"too few lines to hold some out, so the text was cut into {self.blocks} contiguous "
                         f"blocks and {self.validation_documents} held out")
        parts.append("no validation document occurs in training" if self.leaked_documents == 0 else
                     f"{self.leaked_documents:,} validation documents also occur in training")
        said = "; ".join(parts) + "."
        return said[:1].upper() + said[1:]  # it follows a full stop on the page: "No repeated lines; …"


@dataclass(frozen=True)
class DocumentSplit:
    """Training and validation documents (distinct texts), and how they were made."""

    train: tuple[str, ...]
    validation: tuple[str, ...]
    report: SplitReport


def split_documents(lines: Sequence[str], seed: int, validation_share: float = VALIDATION_SHARE,
                    min_documents: int = MIN_DOCUMENTS, blocks: int | None = None) -> DocumentSplit:
    """Deduplicate ``lines``, then hold out ``validation_share`` of the documents drawn with ``seed``.

    Deduplication comes first, so a repeated line can never be on both sides.
    With fewer than ``min_documents`` distinct lines the text is cut into
    contiguous blocks (``blocks`` of them, by default :func:`block_count`),
    and blocks are held out instead.
    """
    if not 0 < validation_share < 1:
        raise ValueError(f"The validation share must be between 0 and 1; got {validation_share}. Use e.g. 0.1.")
    read = sum(1 for line in lines if line.strip())
    distinct = deduplicate(lines)
    documents = list(distinct.documents)
    cut = len(documents) < min_documents
    if cut:
        documents = contiguous_blocks(documents, blocks)
    if len(documents) < 2:
        raise ValueError(_too_little_message(read, distinct))
    held = set(held_out_indices(len(documents), validation_share, seed).tolist())
    train = tuple(d for i, d in enumerate(documents) if i not in held)
    validation = tuple(d for i, d in enumerate(documents) if i in held)
    report = SplitReport(read, distinct.exact_duplicates, distinct.near_duplicates, len(documents) if cut else 0,
                         len(train), len(validation), leaked_documents(train, validation))
    return DocumentSplit(train, validation, report)


def _too_little_message(read: int, distinct: Deduplicated) -> str:
    """Why a text cannot be split, in words that say what to upload instead."""
    if read == 0:
        return "The text is empty: it has no line with anything but spaces. Upload a text with some words in it."
    removed = distinct.exact_duplicates + distinct.near_duplicates
    repeats = (f" after {removed:,} repeated line{'' if removed == 1 else 's'} (the same up to case, punctuation "
               "and numbers) were removed" if removed else "")
    return (f"The text holds a single word{repeats}, so nothing is left to hold out for validation. Upload a "
            "longer text with different lines.")
