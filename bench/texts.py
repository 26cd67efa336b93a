"""Real English texts for the text benchmark, from the Python standard library and installed PyPI packages
(offline, no download).

Each becomes a ``.txt`` file a visitor could upload: one paragraph per line.
Two genres, both written by people for people:

- *Python reference*: ``pydoc_data.topics``, the language reference and library
  chapters that ``help()`` prints (about 80 topics). Grammar and code blocks
  are left out: they are not prose. Repeated sections are kept, as a visitor would upload them.
- *Standard-library docstrings*: the module, class and function docstrings of
  the standard library's own source, in file order, until the size cap.
- *Standard-library docstrings, large*: the same, on as far as one upload
  may go (the page's word limit): about four times the training text, to see
  whether a longer text changes what wins.
- *numpy and pandas docstrings*: the same, from two installed PyPI packages.
- *Package descriptions*: the README each installed PyPI package ships in its
  METADATA (what pypi.org shows), code blocks and tables left out.

Usage: ``.venv/bin/python -m bench.texts [FOLDER]`` (default ``bench/out/texts``).
"""

from __future__ import annotations

import ast
import re
import sys
import sysconfig
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "bench" / "out" / "texts"
DOCSTRING_CHARS = 450_000  # about the size of the reference text, so the two are comparable
SKIPPED_PACKAGES = ("test", "idlelib", "lib2to3", "site-packages", "tkinter", "turtledemo", "ensurepip", "pydoc_data")
_CODE_LINE = re.compile(r"^\s*(>>>|\.\.\.|\$ )")


def paragraphs(text: str) -> Iterator[str]:
    """Blank-line separated paragraphs of ``text``, one line each, whitespace collapsed.

    Left out: code blocks (pydoc indents them three spaces past the prose, whose
    indents are even), doctest and shell lines, title underlines, and pieces with
    fewer than 20 letters (one-word headings, stray symbols).
    """
    for block in re.split(r"\n\s*\n", text):
        first = block.splitlines()[0] if block.strip() else ""
        if (len(first) - len(first.lstrip())) % 2 == 1:
            continue
        lines = [line for line in block.splitlines()
                 if line.strip() and not _CODE_LINE.match(line) and not set(line.strip()) <= set("*=-~^#")]
        joined = " ".join(" ".join(lines).split())
        if sum(c.isalpha() for c in joined) >= 20:
            yield joined


def python_reference() -> list[str]:
    """Paragraphs of ``pydoc_data.topics`` (the Python reference that ``help()`` shows), topic by topic."""
    from pydoc_data.topics import topics

    return [paragraph for name in sorted(topics) for paragraph in paragraphs(topics[name])]


def _docstrings(path: Path) -> Iterator[str]:
    """Every docstring in one source file: module, classes, functions, in the order they appear."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (SyntaxError, UnicodeDecodeError):
        return
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            docstring = ast.get_docstring(node)
            if docstring:
                yield docstring


def stdlib_docstrings(max_chars: int = DOCSTRING_CHARS) -> list[str]:
    """Paragraphs of the standard library's docstrings, files in sorted order, until ``max_chars``."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    files = (path for path in sorted(stdlib.rglob("*.py"))
             if not any(part in SKIPPED_PACKAGES for part in path.relative_to(stdlib).parts))
    return _docstring_paragraphs(files, max_chars)


def stdlib_docstrings_large() -> list[str]:
    """The standard library's docstrings up to the page's upload limit in words (``core.uploads.LIMITS``)."""
    from core.text import MAX_UPLOAD_MB
    from core.uploads import LIMITS

    kept, words = [], 0
    for paragraph in stdlib_docstrings(max_chars=int(MAX_UPLOAD_MB * 1e6)):
        words += len(paragraph.split())
        if words > LIMITS.text_words:
            break
        kept.append(paragraph)
    return kept


def _docstring_paragraphs(files, max_chars: int) -> list[str]:
    """The paragraphs of the docstrings of ``files``, in order, until they hold ``max_chars`` characters."""
    found: list[str] = []
    size = 0
    for path in files:
        for paragraph in (p for docstring in _docstrings(path) for p in paragraphs(docstring)):
            found.append(paragraph)
            size += len(paragraph) + 1
            if size >= max_chars:
                return found
    return found


def _site_packages() -> Path:
    """The installed packages' folder (of the interpreter running this)."""
    return Path(sysconfig.get_paths()["purelib"])


def package_docstrings(packages: tuple[str, ...] = ("numpy", "pandas"), max_chars: int = DOCSTRING_CHARS) -> list[str]:
    """Paragraphs of the docstrings of installed PyPI packages (numpy, pandas), files in sorted order."""
    files = (path for package in packages for path in sorted((_site_packages() / package).rglob("*.py"))
             if "tests" not in path.parts)
    return _docstring_paragraphs(files, max_chars)


def package_descriptions() -> list[str]:
    """Paragraphs of the long descriptions (README shown on PyPI) in the installed packages' METADATA files."""
    found: list[str] = []
    for path in sorted(_site_packages().glob("*.dist-info/METADATA")):
        text = path.read_text(encoding="utf-8", errors="replace")
        _, _, description = text.partition("\n\n")  # headers first, then the description
        description = re.sub(r"```.*?```", "", description, flags=re.DOTALL)  # code blocks are not prose
        found += [p for p in paragraphs(description) if not p.startswith(("|", "<", "[!", "!["))]
    return found


TEXTS: dict[str, Callable[[], list[str]]] = {"python_reference": python_reference,
                                              "stdlib_docstrings": stdlib_docstrings,
                                              "stdlib_docstrings_large": stdlib_docstrings_large,
                                              "numpy_pandas_docstrings": package_docstrings,
                                              "package_descriptions": package_descriptions}


def write_texts(folder: Path = FOLDER) -> dict[str, Path]:
    """Each text as ``folder/NAME.txt``, one paragraph per line; returns the paths by name."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, make in TEXTS.items():
        paths[name] = folder / f"{name}.txt"
        paths[name].write_text("\n".join(make()) + "\n", encoding="utf-8")
    return paths


if __name__ == "__main__":
    for name, path in write_texts(Path(sys.argv[1]) if len(sys.argv) > 1 else FOLDER).items():
        text = path.read_text(encoding="utf-8")
        print(f"{name}: {path} ({len(text):,} characters, {text.count(chr(10)):,} lines, "
              f"{len(text.split()):,} words)")
