"""bench/RESULTS.md, written by several commands: each owns its ``## `` sections and leaves the others'."""

from __future__ import annotations

import datetime
import os
import platform
import re
from pathlib import Path

RESULTS = Path(__file__).with_name("RESULTS.md")


def machine() -> str:
    """The processor, cores, memory, Python and Keras backend the figures were measured with."""
    import keras  # only here: bench.load's own process needs no Keras otherwise

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{cpu}, {os.cpu_count()} cores, {memory_gb:.0f} GiB; Python {platform.python_version()}, "
            f"Keras {keras.__version__} on {keras.backend.backend()}")


def measured_on() -> str:
    """'Measured on <machine>, <date>.': the line each section written apart from bench.run starts with."""
    return f"Measured on {machine()}, {datetime.date.today().isoformat()}."


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
    RESULTS.write_text("\n\n".join(text.rstrip() for text in merged.values()) + "\n")


# headings of the sections written by other commands than bench.run (bench.load, bench.memory), or by hand
OTHERS = ("## Load", "## Memory over", "## Notes", "## Forecasting real series", "## Hostile", "## Attention",
          "## Forecasting with the page", "## Forecasting with inputs", "## Forecasting: how auto combines",
          "## Image captioning", "## Text generation on real text",
          "## Beyond recurrence", "## Accessibility", "## Replicas starting", "## Replicas", "## Capacity")
# (a longer prefix before a shorter one it starts with: the first that matches owns the section)


def _owner(heading: str) -> str:
    return next((prefix for prefix in OTHERS if heading.startswith(prefix)), "")
