"""bench/RESULTS.md, written by several commands: each owns its ``## `` sections and leaves the others'."""

from __future__ import annotations

import re
from pathlib import Path

RESULTS = Path(__file__).with_name("RESULTS.md")


def sections(text: str) -> dict[str, str]:
    """The file's ``## `` sections by heading, in order; the part before the first is under ''."""
    parts = re.split(r"^(?=## )", text, flags=re.M)
    return {part.splitlines()[0] if part.startswith("## ") else "": part for part in parts if part}


def write(lines: list[str], owns: str) -> None:
    """Put ``lines`` in place of the sections whose heading starts with ``owns``; keep every other one.

    ``owns`` "" is the main bench (bench.run): its part is the header and every
    section that no other command owns (``OTHERS``).
    """
    kept = sections(RESULTS.read_text()) if RESULTS.exists() else {}
    theirs = {heading: text for heading, text in kept.items() if _owner(heading) != owns}
    new = sections("\n".join(lines).rstrip() + "\n\n")
    merged = {**theirs, **new} if owns else {**new, **theirs}  # the main part first, the others' after it
    RESULTS.write_text("".join(merged.values()).rstrip() + "\n")


OTHERS = ("## Load", "## Memory over")  # headings of the sections bench.load and bench.memory write


def _owner(heading: str) -> str:
    return next((prefix for prefix in OTHERS if heading.startswith(prefix)), "")
