"""Turning a visitor's uploaded bytes into text, tables, pictures or settings, or a message saying why not.

Every page that takes a file goes through here, so the limits, the empty and
binary checks and the encoding fallback behave (and read) the same on all of
them. Only bytes come in, never a path or URL.

A file is judged by what it will become, not only by its bytes: 1.7 MB of GIF
can hold 30 frames of 9,000 × 9,000 pixels (2.4 billion pixels: most of a
minute of CPU and gigabytes to decode), 5 MB of CSV a million rows, 60 KB of
JSON a nest 30,000 deep. So each reader first measures what decoding would
make, from headers and cheap counts, and refuses above :data:`LIMITS` before
decoding anything; the decoding itself then does no more than the model needs.
"""

from __future__ import annotations

import csv
import io
import json
import re
import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

# What the server takes in at most (config.toml's maxUploadSize says the same). Larger than any page's own
# limit on purpose: a file over a page's limit reaches the page, which says so in words in place of its
# content, instead of the browser showing only a red mark on the file.
RECEIVE_MB = 50
# What a text box takes in at most, whatever a page reads of it: longer pastes are cut by the browser, so each
# page's own, smaller limit is checked in words (a seed of 300 characters is told it is too long, not cut).
TYPED_MAX_CHARS = 5000

UploadKind = Literal["csv", "text", "gif", "image", "settings"]


@dataclass(frozen=True)
class UploadLimits:
    """What an upload may decode to, whatever its size in bytes: one place, read by the checks and the help.

    Each is far above what the app's models can use (a clip is 20 frames of at
    most 48 × 48 pixels; the built-in text is 52,577 words) and low enough that
    the worst file within all of them reads in about a second on one core.
    """

    image_side: int = 2_000  # pixels, width and height of a picture, and of every GIF frame
    gif_frames: int = 300
    gif_pixels: int = 100_000_000  # all frames together: each is decoded, since a frame draws on the one before
    gif_extra_blocks: int = 10_000  # comments and other extras, in blocks of at most 255 bytes; Pillow keeps each
    jpeg_scans: int = 100  # a progressive JPEG decodes once per scan; a usual one has about ten
    picture_parts: int = 5_000  # PNG chunks or JPEG segments, each parsed in Python; a usual file has dozens
    csv_rows: int = 250_000  # an hourly series of 28 years; reading is cheap, the page bounds training apart
    csv_columns: int = 50
    csv_cells: int = 500_000  # rows × columns: the text page measures every text cell
    text_words: int = 200_000
    line_characters: int = 50_000  # one row or one document
    json_depth: int = 10  # a settings file is 2 deep
    json_digits: int = 30  # characters of one number; past 4,300 digits Python raises a message for programmers


LIMITS = UploadLimits()


def limits_help(max_mb: float, *kinds: UploadKind) -> str:
    """The sentence an uploader's help ends with: every limit its files are held to, in the visitor's words.

    ``limits_help(5, "csv")`` gives "At most 5 MB, 250,000 rows, 50 columns and
    500,000 cells, with no line over 50,000 characters."; with several kinds
    (the text page takes a text or a CSV) each gets a sentence of its own.
    """
    lines = f", with no line over {LIMITS.line_characters:,} characters"
    limits = {
        "csv": f"{LIMITS.csv_rows:,} rows, {LIMITS.csv_columns} columns and {LIMITS.csv_cells:,} cells{lines}",
        "text": f"{LIMITS.text_words:,} words{lines}",
        "gif": f"{LIMITS.gif_frames} frames, {LIMITS.image_side:,} × {LIMITS.image_side:,} pixels a frame and "
               f"{LIMITS.gif_pixels / 1e6:g} million pixels in all frames together",
        "image": f"{LIMITS.image_side:,} × {LIMITS.image_side:,} pixels",
        "settings": f"nested {LIMITS.json_depth} deep, with numbers of {LIMITS.json_digits} digits",
    }
    if len(kinds) == 1:
        return f"At most {size_text(max_mb)}, {limits[kinds[0]]}."
    nouns = {"csv": "A CSV", "text": "A text", "gif": "A GIF", "image": "A picture", "settings": "A settings file"}
    return f"At most {size_text(max_mb)}. " + " ".join(f"{nouns[k]}: at most {limits[k]}." for k in kinds)


# ---------------------------------------------------------------- bytes to text


def check_size(data: bytes, name: str, max_mb: float) -> None:
    """ValueError when the upload is over the page's limit."""
    size_mb = len(data) / 2**20
    if size_mb > max_mb:
        size = f"{size_mb * 1024:,.0f} KB" if max_mb < 1 else f"{size_mb:.1f} MB"
        raise ValueError(f"{name} is {size}; the limit is {size_text(max_mb)}. Upload a smaller file.")


def size_text(max_mb: float) -> str:
    """A size limit as people write it: 64 KB, 5 MB."""
    return f"{max_mb * 1024:g} KB" if max_mb < 1 else f"{max_mb:g} MB"


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


# ---------------------------------------------------------------- text and tables

_LINE_BREAKS = "\n\x0b\x0c\r\x1c\x1d\x1e\x85\u2028\u2029"  # every character str.splitlines() breaks a line at


def check_text(text: str, name: str) -> None:
    """ValueError when a text has more words than :data:`LIMITS` allows, or a line longer than it allows.

    Words are counted without making them (a 2 MB text can hold a million):
    the count of runs of non-space characters, which is what ``str.split`` would return.
    """
    words = re.subn(r"\S+", "", text)[1]
    if words > LIMITS.text_words:
        raise ValueError(f"{name} has {words:,} words; the limit is {LIMITS.text_words:,}. Upload a shorter "
                         "text: a part of it teaches the model as well, and trains faster.")
    _check_longest_line(text, name, "document")


def _check_longest_line(text: str, name: str, unit: str) -> None:
    """ValueError naming the first line longer than the limit (a whole file on one line, say).

    Splitting costs a string per line: the CSV's are bounded by its row limit
    (checked first), a text's by its 2 MB, at worst some 40 MB for 700,000 lines.
    """
    if len(text) <= LIMITS.line_characters:
        return
    lines = text.splitlines()
    if max(map(len, lines)) > LIMITS.line_characters:
        number, line = next((i, line) for i, line in enumerate(lines, 1) if len(line) > LIMITS.line_characters)
        raise ValueError(f"Line {number:,} of {name} has {len(line):,} characters; the limit is "
                         f"{LIMITS.line_characters:,}. Put each {unit} on a line of its own and upload it again.")


def check_csv_shape(text: str, name: str, separator: str) -> None:
    """ValueError when a CSV has more rows, columns or cells than :data:`LIMITS` allows, before pandas reads it.

    Lines are counted, not parsed: a quoted cell holding line breaks counts
    more than once, which errs on the safe side. Columns are the header's
    separators plus one.
    """
    rows = _line_breaks(text.rstrip())  # lines less the header: the breaks between them
    if rows > LIMITS.csv_rows:
        raise ValueError(f"{name} has {rows:,} rows; the limit is {LIMITS.csv_rows:,}. Keep fewer rows (the most "
                         "recent ones, or totals per day or week) and upload it again.")
    _check_longest_line(text, name, "row")
    columns = re.match(r"[^\r\n]*", text).group().count(separator) + 1
    if columns > LIMITS.csv_columns:
        raise ValueError(f"{name} has {columns:,} columns; the limit is {LIMITS.csv_columns}. Keep only the "
                         "columns you need and upload it again.")
    if rows * columns > LIMITS.csv_cells:
        raise ValueError(f"{name} has {rows:,} rows of {columns} columns, {rows * columns:,} cells; "
                         f"the limit is {LIMITS.csv_cells:,}. Keep fewer rows or columns and upload it again.")


def _line_breaks(text: str) -> int:
    """How many lines end in ``text`` (a CR LF pair ends one), counted without splitting it."""
    return sum(text.count(character) for character in _LINE_BREAKS) - text.count("\r\n")


def parse_csv(text: str, name: str) -> pd.DataFrame:
    """A table from CSV text, its separator sniffed and its shape checked first; ValueError if it cannot be read.

    Takes the decoded text, never a path or URL: ``pandas.read_csv`` would open those.
    """
    separator = _delimiter(text)
    check_csv_shape(text, name, separator)
    try:
        table = pd.read_csv(io.StringIO(text), sep=separator)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeError, ValueError) as err:
        raise ValueError(f"{name} could not be read as CSV ({err}).") from err
    if table.empty:
        raise ValueError(f"{name} has a header ({', '.join(map(str, table.columns))}) but no rows below it. "
                         "Add the data, one row per line, and upload it again.")
    return table


def _delimiter(text: str) -> str:
    """The file's separator among , ; tab and | (Excel in many countries writes ;), else a comma."""
    try:
        return csv.Sniffer().sniff(text[:4096], delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


# ---------------------------------------------------------------- JSON

_JSON_NESTING = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')  # strings (skipped whole) and brackets


def parse_json(text: str, name: str) -> Any:
    """JSON text as Python values; ValueError when it nests deeper, or writes longer numbers, than allowed.

    The depth is measured before parsing: Python's parser recurses, and a nest
    deeper than about a thousand raises RecursionError. Numbers are checked as
    the parser meets them, before ``int`` converts them (past 4,300 digits
    Python refuses, in words meant for programmers).
    Invalid JSON raises :class:`json.JSONDecodeError` (a ValueError) as ``json.loads`` does.
    """
    depth = 0
    for token in _JSON_NESTING.finditer(text):
        depth += {"[": 1, "{": 1, "]": -1, "}": -1}.get(text[token.start()], 0)
        if depth > LIMITS.json_depth:
            raise ValueError(f"{name} nests lists or objects more than {LIMITS.json_depth} deep (a settings file "
                             "is 2 deep). Upload a settings file saved from this page.")
    return json.loads(text, parse_int=_json_number(int, name), parse_float=_json_number(float, name))


def _json_number(convert: type, name: str) -> Callable[[str], int | float]:
    """A json.loads hook that refuses a number written with more characters than the limit, then converts it."""
    def checked(literal: str) -> int | float:
        if len(literal) > LIMITS.json_digits:
            raise ValueError(f"{name} holds a number written with {len(literal):,} digits; the limit is "
                             f"{LIMITS.json_digits}. Upload a settings file saved from this page.")
        return convert(literal)
    return checked


# ---------------------------------------------------------------- pictures

_SIGNATURES = {"GIF": (b"GIF87a", b"GIF89a"), "PNG": (b"\x89PNG\r\n\x1a\n",), "JPEG": (b"\xff\xd8\xff",)}


def image_format(data: bytes) -> str | None:
    """GIF, PNG or JPEG from the file's first bytes (never its name), or None; None too when even the format's
    first header is missing (a GIF's screen, a PNG's IHDR chunk), as in a file cut short or a text renamed."""
    found = next((kind for kind, starts in _SIGNATURES.items() if data.startswith(starts)), None)
    whole_header = {"GIF": len(data) >= 13, "PNG": data[12:16] == b"IHDR" and len(data) >= 33, "JPEG": True}
    return found if found is not None and whole_header[found] else None


def check_image_format(data: bytes, name: str, accepted: tuple[str, ...], expected: str) -> str:
    """The file's format when it is one of ``accepted``; else ValueError naming what it is and ``expected``.

    Nothing but the first bytes is read: a file of another format is named,
    never opened, since its own header could be the expensive part.
    """
    found = image_format(data)
    if found in accepted:
        return found
    if found is None:
        raise ValueError(f"{name} is not an image that can be read. Upload {expected}.")
    raise ValueError(f"{name} is a {found} image, not a {' or '.join(accepted)}. Upload {expected}.")


def _opener(image_format_: str) -> type:
    """Pillow's class for the format: it reads the header only, and without Pillow's decompression-bomb check."""
    from PIL import GifImagePlugin, JpegImagePlugin, PngImagePlugin

    return {"GIF": GifImagePlugin.GifImageFile, "PNG": PngImagePlugin.PngImageFile,
            "JPEG": JpegImagePlugin.JpegImageFile}[image_format_]


def check_picture_size(width: int, height: int, name: str, what: str = "is") -> None:
    """ValueError when a picture (or a GIF's frames) is wider or taller than the limit."""
    side = LIMITS.image_side
    if width > side or height > side:
        raise ValueError(f"{name} {what} {width:,} × {height:,} pixels; the limit is {side:,} × {side:,}. "
                         f"Resize it to at most {side:,} pixels a side (the model sees far fewer) and upload it "
                         "again.")


@dataclass(frozen=True)
class GifLayout:
    """What a GIF will decode to, read from its blocks without decoding a pixel."""

    frames: int
    width: int  # of the canvas every frame is drawn on: the screen, widened to fit any frame
    height: int
    cut_short: bool  # the data ends inside a frame
    extra_blocks: int = 0  # sub-blocks of extensions (comments, application data, frame delays)

    @property
    def pixels(self) -> int:
        """Pixels decoded to reach the last frame: every frame is drawn on the whole canvas."""
        return self.frames * self.width * self.height


def gif_layout(data: bytes) -> GifLayout:
    """Frames and canvas of a GIF, by walking its blocks as Pillow does; time linear in the bytes.

    Pillow counts frames (``n_frames``) the same way without decoding them, but
    does not widen the canvas for a frame larger than the screen until it
    decodes it, which is what a bomb would hide behind. Image data is skipped
    sub-block by sub-block, never LZW-decoded; a byte that starts no block is
    skipped, as Pillow skips it, so frames cannot hide behind one. Extension
    sub-blocks are counted: Pillow reads them one by one in Python and keeps a
    comment's as a list, 2.5 million one-byte blocks made 200 MB.
    """
    if len(data) < 13:  # not even a whole screen descriptor
        return GifLayout(0, 0, 0, cut_short=False)
    width, height, flags = struct.unpack_from("<HHB", data, 6)
    position = 13 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0)  # after the screen and its colour table
    frames = extra_blocks = 0
    while position < len(data) and data[position] != 0x3B:  # 0x3B ends the file
        if data[position] == 0x21:  # an extension: its label, then sub-blocks
            position, blocks = _skip_sub_blocks(data, position + 2)
            extra_blocks += blocks
        elif data[position] == 0x2C:  # a frame: where and how large, its colour table, then LZW sub-blocks
            if position + 11 > len(data):
                return GifLayout(frames + 1, width, height, cut_short=True, extra_blocks=extra_blocks)
            left, top, frame_width, frame_height, flags = struct.unpack_from("<HHHHB", data, position + 1)
            width, height = max(width, left + frame_width), max(height, top + frame_height)
            frames += 1
            position += 11 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0)
            position, _ = _skip_sub_blocks(data, position)
            if position > len(data):
                return GifLayout(frames, width, height, cut_short=True, extra_blocks=extra_blocks)
        else:
            position += 1
    return GifLayout(frames, width, height, cut_short=False, extra_blocks=extra_blocks)


def _skip_sub_blocks(data: bytes, position: int) -> tuple[int, int]:
    """Where the chain of sub-blocks at ``position`` ends (past its empty block; past the end if cut short),
    and how many blocks it held."""
    end, blocks = len(data), 0
    while position < end and data[position]:
        position += data[position] + 1
        blocks += 1
    return position + 1, blocks


def check_gif(layout: GifLayout, name: str) -> None:
    """ValueError when a GIF would decode to more than :data:`LIMITS` allows, or is cut short or still."""
    if layout.cut_short:
        raise ValueError(f"{name} ends in the middle of frame {layout.frames}: the file was cut short. Save or "
                         "download it again, whole, and upload it again.")
    if layout.frames == 0:
        raise ValueError(f"{name} is not an image that can be read: it holds no frame. Upload an animated GIF.")
    check_picture_size(layout.width, layout.height, name, "has frames of")
    if layout.frames > LIMITS.gif_frames:
        raise ValueError(f"{name} has {layout.frames:,} frames; the limit is {LIMITS.gif_frames}. The model "
                         "reads only a few of them: cut the GIF shorter or drop frames, and upload it again.")
    if layout.pixels > LIMITS.gif_pixels:
        raise ValueError(f"{name} has {layout.frames} frames of {layout.width:,} × {layout.height:,} pixels, "
                         f"{layout.pixels / 1e6:,.0f} million pixels in all; the limit is "
                         f"{LIMITS.gif_pixels / 1e6:g} million (every frame is decoded, since each draws on the "
                         "one before). Make it smaller or shorter and upload it again.")
    if layout.extra_blocks > LIMITS.gif_extra_blocks:
        raise ValueError(f"{name} holds {layout.extra_blocks:,} blocks of comments or other extras beside its "
                         f"pictures; the limit is {LIMITS.gif_extra_blocks:,}. Save it again without comments (an "
                         "editor's 'optimise' does that) and upload it again.")
    if layout.frames < 2:
        raise ValueError(f"{name} has a single frame: there is no motion to classify. Upload an animated GIF.")


def read_gif(data: bytes, name: str, max_mb: float, frames: int, size: int) -> np.ndarray:
    """``frames`` frames spread over an uploaded GIF, RGB in [0, 1], resized to size × size; ValueError if unfit.

    Everything :func:`check_gif` measures is checked before a pixel is
    decoded. Every frame up to the last is then decoded (a GIF frame is drawn
    over the previous one, so none can be skipped), but only the chosen ones
    are converted and resized, each reduced by whole factors first.
    Returns shape (frames, size, size, 3).
    """
    check_size(data, name, max_mb)
    check_image_format(data, name, ("GIF",), "an animated GIF")
    layout = gif_layout(data)
    check_gif(layout, name)
    chosen = np.linspace(0, layout.frames - 1, frames).round().astype(int)
    pictures = _decode_gif_frames(data, name, sorted(set(chosen)), size)
    return np.stack([np.asarray(pictures[i], dtype=np.float32) / 255.0 for i in chosen])  # (frames, size, size, 3)


def _decode_gif_frames(data: bytes, name: str, wanted: list[int], size: int) -> dict:
    """The ``wanted`` frames (ascending) as size × size RGB pictures, by index."""
    from PIL import Image

    pictures = {}
    try:
        with Image.open(io.BytesIO(data), formats=["GIF"]) as image:
            for index in range(wanted[-1] + 1):
                image.seek(index)
                if index in wanted:
                    pictures[index] = image.convert("RGB").resize((size, size), reducing_gap=3.0)
    except (OSError, EOFError, SyntaxError, IndexError, struct.error) as err:  # Image.open's own list, and seek's
        raise ValueError(f"{name} could not be decoded: its image data is damaged or cut short. Save it again "
                         "and upload it again.") from err
    return pictures


def check_picture_parts(data: bytes, name: str, found: str) -> None:
    """ValueError when a PNG or JPEG is made of more parts, or a JPEG of more scans, than the limits allow.

    Pillow reads a picture's header parts (PNG chunks; JPEG segments, and any
    stray byte between them) one by one in Python before any pixel: 1.2 million
    empty JPEG segments took 1.8 s of CPU and 170 MB. They are counted here the
    way Pillow walks them, stopping past the limit.
    """
    if found == "JPEG" and data.count(b"\xff\xda") > LIMITS.jpeg_scans:  # each scan starts with this marker
        raise ValueError(f"{name} is a JPEG of more than {LIMITS.jpeg_scans} scans; a usual one has about ten. "
                         "Save it again as an ordinary JPEG and upload it again.")
    if (_jpeg_header_parts if found == "JPEG" else _png_chunks)(data) > LIMITS.picture_parts:
        raise ValueError(f"{name} is made of more than {LIMITS.picture_parts:,} parts (PNG chunks or JPEG "
                         "segments); a usual picture has a few dozen. Save it again from an image editor and upload "
                         "it again.")


def _png_chunks(data: bytes) -> int:
    """A PNG's chunks (each its length, type, data and checksum), counted up to one past the limit."""
    parts, position = 0, 8  # after the signature
    while position + 8 <= len(data) and parts <= LIMITS.picture_parts:
        position += 12 + int.from_bytes(data[position:position + 4], "big")
        parts += 1
    return parts


def _jpeg_header_parts(data: bytes) -> int:
    """What Pillow's JPEG header reader loops over before the first scan, counted up to one past the limit.

    Segments (a marker, then its length, except for the few markers that have
    none), padding 0xFF bytes, escaped 0xFF 0x00 pairs, and stray bytes, which
    Pillow skips one at a time (found here with ``bytes.find``).
    """
    parts, position, end = 0, 2, len(data) - 1  # after the start-of-image marker
    while position < end and parts <= LIMITS.picture_parts:
        if data[position] != 0xFF:  # stray bytes up to the next 0xFF: one loop of Pillow's each
            following = data.find(b"\xff", position)
            parts, position = parts + (following if following >= 0 else end) - position, following
            if following < 0:
                break
            continue
        marker = data[position + 1]
        if marker == 0xDA:  # start of scan: the header ends, the C decoder reads on
            break
        if marker == 0xFF:  # padding
            position += 1
        elif marker == 0x00 or 0xD0 <= marker <= 0xD9 or marker == 0x01:  # no length follows
            position += 2
        else:
            position += 2 + int.from_bytes(data[position + 2:position + 4], "big")
        parts += 1
    return parts


def centre_square(width: int, height: int) -> tuple[int, int, int, int]:
    """The (left, top, right, bottom) box of the largest square in the middle of a picture."""
    side = min(width, height)
    left, top = (width - side) // 2, (height - side) // 2
    return left, top, left + side, top + side


def read_image(data: bytes, name: str, max_mb: float, size: int) -> np.ndarray:
    """An uploaded PNG or JPEG as RGB in [0, 1], its centre square resized to size × size; ValueError if unfit.

    The dimensions are read from the header (the format's own class, which
    reads only the header, without Pillow's decompression-bomb warning) and
    checked before decoding; a JPEG is decoded straight at the smallest scale
    (1/2, 1/4, 1/8) still larger than ``size``, and turned upright as its
    camera tag says. The centre square is kept, so circles stay round.
    Shape (size, size, 3).
    """
    from PIL import ImageOps

    check_size(data, name, max_mb)
    found = check_image_format(data, name, ("PNG", "JPEG"), "a PNG or JPEG picture")
    check_picture_parts(data, name, found)
    try:
        with _opener(found)(io.BytesIO(data)) as image:
            check_picture_size(*image.size, name)
            image.draft("RGB", (size, size))  # only a JPEG takes the hint
            upright = ImageOps.exif_transpose(image.convert("RGB"))
            picture = upright.resize((size, size), box=centre_square(*upright.size), reducing_gap=3.0)
    except (OSError, SyntaxError, IndexError, struct.error) as err:
        raise ValueError(f"{name} could not be decoded: its image data is damaged or cut short. Save it again "
                         "and upload it again.") from err
    return np.asarray(picture, dtype=np.float32) / 255.0  # (size, size, 3)
