"""Turning a visitor's uploaded bytes into text, or a message saying why not.

Every page that takes a file goes through here, so the size limit, the empty
and binary checks and the encoding fallback behave (and read) the same on all
of them. Only bytes come in, never a path or URL.
"""

from __future__ import annotations

import csv
import io

import pandas as pd

# What the server takes in at most (config.toml's maxUploadSize says the same). Larger than any page's own
# limit on purpose: a file over a page's limit reaches the page, which says so in words in place of its
# content, instead of the browser showing only a red mark on the file.
RECEIVE_MB = 50
# What a text box takes in at most, whatever a page reads of it: longer pastes are cut by the browser, so each
# page's own, smaller limit is checked in words (a seed of 300 characters is told it is too long, not cut).
TYPED_MAX_CHARS = 5000


def check_size(data: bytes, name: str, max_mb: float) -> None:
    """ValueError when the upload is over the page's limit."""
    size_mb = len(data) / 2**20
    if size_mb > max_mb:
        raise ValueError(f"{name} is {size_mb:.1f} MB; the limit is {max_mb:g} MB. Upload a smaller file.")


def decode_upload(data: bytes, name: str, max_mb: float, expected: str) -> str:
    """The upload as text; ValueError naming the file and ``expected`` (what to upload instead).

    UTF-16 when the file starts with its byte-order mark (Excel's "Unicode
    text"); else UTF-8 (with or without a byte-order mark), then Latin-1, which
    any byte sequence decodes as: old spreadsheets in Europe still write it.
    """
    check_size(data, name, max_mb)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        data = data.decode("utf-16", errors="replace").encode()
    if not data.strip():
        raise ValueError(f"{name} is empty. Upload {expected}.")
    if b"\x00" in data[:4096]:
        raise ValueError(f"{name} looks binary, not text. Upload {expected}.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def parse_csv(text: str, name: str) -> pd.DataFrame:
    """A table from CSV text, its separator sniffed; ValueError if pandas cannot read it.

    Takes the decoded text, never a path or URL: ``pandas.read_csv`` would open those.
    """
    try:
        table = pd.read_csv(io.StringIO(text), sep=_delimiter(text))
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeError, ValueError) as err:
        raise ValueError(f"{name} could not be read as CSV ({err}).") from err
    if table.empty:
        raise ValueError(f"{name} has a header ({', '.join(map(str, table.columns))}) but no rows of data. "
                         "Upload a file with one row per entry under its header.")
    return table


def _delimiter(text: str) -> str:
    """The file's separator among , ; tab and | (Excel in many countries writes ;), else a comma."""
    try:
        return csv.Sniffer().sniff(text[:4096], delimiters=",;\t|").delimiter
    except csv.Error:
        return ","
