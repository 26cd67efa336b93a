"""Hostile uploads: small files that decode into something huge, made here so core tests, page tests and
``bench.hostile`` feed the readers the same bytes.

Each file is built in a fraction of a second without ever holding what it
decodes to: the GIFs' image data is LZW written straight from a run of one
colour, the PNG's is zlib fed the same zero row again and again.
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Callable, Sized
from dataclasses import dataclass
from functools import cache

import numpy as np

from core import forecasting, settings_io, text, uploads, video

CLIP_FRAMES, CLIP_SIZE = video.VideoSettings().frames, video.VideoSettings().frame_size  # the page's defaults
IMAGE_MAX_MB, IMAGE_SIZE = 5, 64  # what a captioning page's uploader would pass to uploads.read_image
SETTINGS_PAGE = "Connection types"


# ---------------------------------------------------------------- GIF


@cache
def lzw_one_colour(colour: int, count: int, min_code_size: int = 2) -> bytes:
    """GIF LZW data for ``count`` pixels of one palette index, as any encoder would write it.

    A run compresses into codes for ever longer runs (1, 2, 3, … pixels), each
    new code one run longer than the last; when the 4,096-code table is full a
    clear code starts over. The code width is what the decoder expects: one
    more bit each time its table (one entry behind the encoder's) reaches a
    power of two. About 60 KB per 81 million pixels.
    """
    clear, end = 1 << min_code_size, (1 << min_code_size) + 1
    packed, bits, filled = bytearray(), 0, 0

    def put(code: int, width: int) -> None:
        nonlocal bits, filled
        bits |= code << filled
        filled += width
        while filled >= 8:
            packed.append(bits & 0xFF)
            bits >>= 8
            filled -= 8

    remaining, width = count, min_code_size + 1
    while remaining:
        put(clear, width)
        width, longest, codes_read = min_code_size + 1, 1, 0
        while remaining and end + 1 + codes_read < 4096:
            run = min(longest, remaining)
            put(colour if run == 1 else end + run - 1, width)  # the code for a run of `run` pixels
            remaining -= run
            longest += 1
            codes_read += 1
            width = min(12, max(min_code_size + 1, (end + codes_read).bit_length()))
    put(end, width)
    if filled:
        packed.append(bits & 0xFF)
    return bytes(packed)


def sub_blocks(data: bytes) -> bytes:
    """Data cut into GIF sub-blocks (a length byte, at most 255 bytes), then the empty block that ends them."""
    return b"".join(bytes([len(data[i:i + 255])]) + data[i:i + 255] for i in range(0, len(data), 255)) + b"\x00"


def gif_of(width: int, height: int, frames: list[bytes]) -> bytes:
    """A looping GIF (four-colour palette: red, blue, black, white) of frames given as their whole block bytes."""
    screen = b"GIF89a" + struct.pack("<HHBBB", width, height, 0x80 | 0x01, 0, 0)
    palette = bytes([200, 30, 30, 30, 30, 200, 0, 0, 0, 255, 255, 255])
    loop = b"!\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00"
    return screen + palette + loop + b"".join(frames) + b";"


def frame_block(width: int, height: int, data: bytes) -> bytes:
    """One frame covering the screen: a 100 ms delay, its place and size, then its LZW data (code size 2)."""
    delay = b"!\xf9\x04\x00\x0a\x00\x00\x00"
    return delay + b"," + struct.pack("<HHHHB", 0, 0, width, height, 0) + b"\x02" + sub_blocks(data)


def one_colour_gif(width: int, height: int, frames: int) -> bytes:
    """``frames`` frames of width × height pixels, red and blue in turn: it compresses about 1,300 to 1."""
    blocks = [frame_block(width, height, lzw_one_colour(i % 2, width * height)) for i in range(2)]
    return gif_of(width, height, [blocks[i % 2] for i in range(frames)])


def hollow_frames_gif(frames: int) -> bytes:
    """A 16 × 16 GIF announcing ``frames`` frames, none with any image data (12 bytes a frame)."""
    hollow = b"," + struct.pack("<HHHHB", 0, 0, 16, 16, 0) + b"\x02\x00"
    return gif_of(16, 16, [hollow] * frames)


def commented_gif(blocks: int) -> bytes:
    """A two-frame 8 × 8 GIF with a comment of ``blocks`` one-byte blocks: Pillow keeps each as an object."""
    frame = frame_block(8, 8, lzw_one_colour(0, 64))
    return gif_of(8, 8, [b"!\xfe" + b"\x01x" * blocks + b"\x00", frame, frame])


def cut_short_gif() -> bytes:
    """A 30-frame GIF cut off in the middle of its third frame, as a broken download leaves it."""
    whole = one_colour_gif(500, 500, 30)
    return whole[: len(whole) // 12]


# ---------------------------------------------------------------- PNG and JPEG


def png_of_zeros(width: int, height: int) -> bytes:
    """A black 1-bit PNG of width × height pixels; 9,000 × 9,000 is about 10 KB."""
    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte, then the row's bits
    compressor = zlib.compressobj(9)
    rows_at_once = 256
    data = b"".join(compressor.compress(row * min(rows_at_once, height - done))
                    for done in range(0, height, rows_at_once)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1 bit, greyscale
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", data) + png_chunk(b"IEND", b"")


def png_chunk(kind: bytes, body: bytes) -> bytes:
    """One PNG chunk: its length, type, data and checksum."""
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_of_many_chunks(chunks: int) -> bytes:
    """A 64 × 64 PNG with ``chunks`` small text chunks before its image data (each a distinct key)."""
    png = png_of_zeros(64, 64)
    header_end = 8 + 25  # signature, then IHDR (12 + 13 bytes)
    texts = b"".join(png_chunk(b"tEXt", b"k%d\x00v" % i) for i in range(chunks))
    return png[:header_end] + texts + png[header_end:]


def jpeg_of_many_segments(segments: int) -> bytes:
    """A 64 × 64 JPEG with ``segments`` empty APP15 segments after its start marker."""
    data = small_jpeg()
    return data[:2] + b"\xff\xef\x00\x02" * segments + data[2:]


def jpeg_with_stray_bytes(count: int) -> bytes:
    """A 64 × 64 JPEG with ``count`` stray zero bytes after its first segment: Pillow skips them one at a time."""
    data = small_jpeg()
    first_segment_end = 4 + int.from_bytes(data[4:6], "big")  # start marker (2), then the APP0 segment
    return data[:first_segment_end] + bytes(count) + data[first_segment_end:]


def small_jpeg(progressive: bool = False) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 30, 30)).save(buffer, format="JPEG", progressive=progressive)
    return buffer.getvalue()


def jpeg_claiming(width: int, height: int) -> bytes:
    """A 64 × 64 JPEG whose frame header is rewritten to say width × height: its data holds far less."""
    data = bytearray(small_jpeg())
    start = data.index(b"\xff\xc0")  # baseline frame header: marker, length, precision, height, width
    data[start + 5:start + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def jpeg_of_many_scans(scans: int) -> bytes:
    """A progressive JPEG whose last scan is repeated until it has ``scans`` scans: each is decoded in turn."""
    data = small_jpeg(progressive=True)
    last = data.rindex(b"\xff\xda")
    extra = data[last:-2] * (scans - data.count(b"\xff\xda"))
    return data[:-2] + extra + data[-2:]


# ---------------------------------------------------------------- text, CSV and settings


def csv_of_many_rows(rows: int) -> bytes:
    return b"a,b\n" + b"1,2\n" * rows


def csv_of_many_columns(columns: int, rows: int) -> bytes:
    return (",".join(f"c{i}" for i in range(columns)) + "\n" + (",".join(["a"] * columns) + "\n") * rows).encode()


def settings_nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def settings_with_number(digits: int) -> bytes:
    return (f'{{"page": "{SETTINGS_PAGE}", "settings": {{"units": 1' + "0" * (digits - 1) + "}}").encode()


# ---------------------------------------------------------------- the catalogue


@dataclass(frozen=True)
class HostileFile:
    """One hostile upload: how to make it, the core reader its page calls, the words its message must hold."""

    name: str
    what: str  # one line for the bench's table
    make: Callable[[], bytes]
    read: Callable[[bytes, str], Sized]
    message: str | None  # None: a file at the limits, which is read


def read_clip(data: bytes, name: str) -> Sized:
    return video.gif_to_clip(data, name, CLIP_FRAMES, CLIP_SIZE)


def read_picture(data: bytes, name: str) -> Sized:
    return uploads.read_image(data, name, IMAGE_MAX_MB, IMAGE_SIZE)


def read_settings(data: bytes, name: str) -> Sized:
    return settings_io.read_settings_file(data, name, SETTINGS_PAGE)


HOSTILE_FILES = (
    HostileFile("bomb30.gif", "GIF, 30 frames of 9,000 × 9,000 pixels of one colour",
                lambda: one_colour_gif(9000, 9000, 30), read_clip, "9,000 × 9,000 pixels; the limit is 2,000"),
    HostileFile("bomb3.gif", "GIF, 3 frames of 9,000 × 9,000 pixels of one colour",
                lambda: one_colour_gif(9000, 9000, 3), read_clip, "9,000 × 9,000 pixels; the limit is 2,000"),
    HostileFile("budget.gif", "GIF, 40 frames of 2,000 × 2,000 pixels (each within the size limit)",
                lambda: one_colour_gif(2000, 2000, 40), read_clip, "160 million pixels in all"),
    HostileFile("hollow.gif", "GIF announcing 100,000 frames that hold no image data",
                lambda: hollow_frames_gif(100_000), read_clip, "100,000 frames; the limit is 300"),
    HostileFile("comments.gif", "GIF of 2 small frames and a comment of 2.5 million one-byte blocks",
                lambda: commented_gif(2_500_000), read_clip, "blocks of comments or other extras beside its pictures; "
                "the limit is 10,000"),
    HostileFile("cut.gif", "GIF of 30 frames cut off in its third frame", cut_short_gif, read_clip, "cut short"),
    HostileFile("bomb.png", "PNG, 9,000 × 9,000 black pixels (under Pillow's own bomb limit)",
                lambda: png_of_zeros(9000, 9000), read_picture, "9,000 × 9,000 pixels; the limit is 2,000"),
    HostileFile("huge.jpg", "JPEG whose header says 60,000 × 60,000 pixels",
                lambda: jpeg_claiming(60_000, 60_000), read_picture, "60,000 × 60,000 pixels"),
    HostileFile("scans.jpg", "progressive JPEG of 5,000 scans", lambda: jpeg_of_many_scans(5000), read_picture,
                "more than 100 scans"),
    HostileFile("chunks.png", "PNG of 64 × 64 pixels and 200,000 text chunks", lambda: png_of_many_chunks(200_000),
                read_picture, "more than 5,000 parts"),
    HostileFile("segments.jpg", "JPEG of 64 × 64 pixels and 1,200,000 empty segments",
                lambda: jpeg_of_many_segments(1_200_000), read_picture, "more than 5,000 parts"),
    HostileFile("stray.jpg", "JPEG of 64 × 64 pixels and 4.5 million stray bytes in its header",
                lambda: jpeg_with_stray_bytes(4_500_000), read_picture, "more than 5,000 parts"),
    HostileFile("rows.csv", "CSV of 1,300,000 lines '1,2' (2 million would be 7.6 MB, over the byte limit)",
                lambda: csv_of_many_rows(1_300_000), forecasting.read_table, "1,300,000 rows; the limit is 250,000"),
    HostileFile("oneline.csv", "CSV of one line, 2.5 million cells '1,'", lambda: b"1," * 2_500_000,
                forecasting.read_table, "Line 1 of 'oneline.csv' has 5,000,000 characters"),
    HostileFile("wide.csv", "CSV of 5,000 columns and 100 rows (text page)", lambda: csv_of_many_columns(5000, 100),
                text.read_text_table, "5,000 columns; the limit is 50"),
    HostileFile("oneline.txt", "text of one line, 150,000 words", lambda: b"abcdefghij " * 150_000,
                text.read_documents, "Line 1 of 'oneline.txt' has 1,650,000 characters"),
    HostileFile("words.txt", "text of a million one-letter words", lambda: b"a " * 1_000_000,
                text.read_documents, "1,000,000 words; the limit is 200,000"),
    HostileFile("deep.json", "settings nested 100,000 deep (over the 64 KB limit)",
                lambda: settings_nested(100_000), read_settings, "the limit is 64 KB"),
    HostileFile("deep30k.json", "settings nested 30,000 deep (60 KB, within the byte limit)",
                lambda: settings_nested(30_000), read_settings, "more than 10 deep"),
    HostileFile("number.json", "settings holding a 10,000-digit number", lambda: settings_with_number(10_000),
                read_settings, "10,000 digits; the limit is 30"),
)

def noise_picture(format_: str, **options) -> bytes:
    """A 2,000 × 2,000 grey picture of noise: the most a decoder has to do within the limits."""
    from PIL import Image

    side = uploads.LIMITS.image_side
    pixels = np.random.default_rng(0).integers(0, 256, (side, side), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format=format_, **options)
    return buffer.getvalue()


def daily_csv(rows: int) -> bytes:
    days = np.datetime64("1400-01-01") + np.arange(rows)
    values = np.random.default_rng(0).integers(0, 100, rows)
    return b"date,sales\n" + "".join(f"{d},{v}\n" for d, v in zip(days.astype(str), values, strict=True)).encode()


AT_THE_LIMITS = (  # the most work a file within every limit can ask for: what the decoding is bounded by
    HostileFile("edge.gif", "GIF of 25 frames of 2,000 × 2,000 pixels (the 100 million pixel budget)",
                lambda: one_colour_gif(2000, 2000, 25), read_clip, None),
    HostileFile("edge.png", "PNG of 2,000 × 2,000 grey noise", lambda: noise_picture("PNG"), read_picture, None),
    HostileFile("edge.jpg", "JPEG of 2,000 × 2,000 grey noise", lambda: noise_picture("JPEG", quality=90),
                read_picture, None),
    HostileFile("edge.csv", "CSV of 250,000 daily rows", lambda: daily_csv(uploads.LIMITS.csv_rows),
                forecasting.read_table, None),
    HostileFile("edge.txt", "text of 200,000 words, 10 a line",
                lambda: b"\n".join([b"abcde " * 10] * (uploads.LIMITS.text_words // 10)), text.read_documents, None),
)
