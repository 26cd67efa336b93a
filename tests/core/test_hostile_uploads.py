"""The hostile-upload catalogue: small files that decode into something huge get their message, before decoding.

Beside tests/app/test_bad_input.py (empty, binary, mis-typed files on the
pages), this one feeds the core readers files built to be expensive: bombs,
frame counts the data does not hold, enormous lines, deep nests, long numbers.
No timing is asserted here; ``python -m bench.hostile`` measures each.
"""

import io
import json
import re

import numpy as np
import pytest
from PIL import Image

from core import forecasting, settings_io, text, uploads, video
from core.uploads import LIMITS
from tests import hostile_files as hf


@pytest.mark.parametrize("case", hf.HOSTILE_FILES, ids=lambda case: case.name)
def test_each_hostile_file_gets_its_message(case):
    with pytest.raises(ValueError, match=re.escape(case.message)):
        case.read(case.make(), f"'{case.name}'")


@pytest.mark.parametrize("case", hf.AT_THE_LIMITS, ids=lambda case: case.name)
def test_files_at_the_limits_are_read(case):
    assert len(case.read(case.make(), f"'{case.name}'")) > 0


# ---------------------------------------------------------------- the catalogue is what it says


def frames_of(data: bytes) -> list[np.ndarray]:
    found = []
    with Image.open(io.BytesIO(data)) as image:
        for index in range(image.n_frames):
            image.seek(index)
            found.append(np.asarray(image.convert("RGB")))
    return found


@pytest.mark.parametrize(("width", "height"), [(3, 3), (100, 7), (3000, 3000)])
def test_one_colour_gif_decodes_to_whole_frames_of_its_colours(width, height):
    """3,000 × 3,000 fills the 4,096-code table and starts over: the hand-written LZW reads back pixel for pixel."""
    frames = frames_of(hf.one_colour_gif(width, height, 3))
    assert [frame.shape for frame in frames] == [(height, width, 3)] * 3
    assert all((frame == frame[0, 0]).all() for frame in frames)
    assert [frame[0, 0].tolist() for frame in frames] == [[200, 30, 30], [30, 30, 200], [200, 30, 30]]


def test_the_bombs_are_small_files():
    assert len(hf.one_colour_gif(9000, 9000, 30)) < 1.8 * 2**20
    assert len(hf.one_colour_gif(9000, 9000, 3)) < 200 * 2**10
    assert len(hf.png_of_zeros(9000, 9000)) < 20 * 2**10


def test_png_of_zeros_is_a_black_picture():
    with Image.open(io.BytesIO(hf.png_of_zeros(300, 200))) as image:
        assert image.size == (300, 200) and image.getextrema() == (0, 0)


def test_jpeg_claiming_says_its_size_in_its_header():
    with Image.open(io.BytesIO(hf.jpeg_claiming(3000, 4000))) as image:
        assert image.size == (3000, 4000)


def test_hollow_frames_are_counted_by_pillow_too():
    with Image.open(io.BytesIO(hf.hollow_frames_gif(50))) as image:
        assert image.n_frames == 50


# ---------------------------------------------------------------- GIF


def test_gif_layout_agrees_with_pillow_on_the_apps_own_gifs():
    clip = video.make_clip("growing", 12, 24, 0.1, np.random.default_rng(0))
    for scale in (1, 3):
        data = video.clip_to_gif(clip, scale=scale)
        with Image.open(io.BytesIO(data)) as image:
            layout = uploads.gif_layout(data)
            assert (layout.frames, layout.width, layout.height) == (image.n_frames, *image.size)
            assert not layout.cut_short


def test_a_frame_larger_than_the_screen_widens_the_canvas():
    """Pillow grows the canvas only when it decodes such a frame; the gate sees it from the frame's header."""
    tall = hf.frame_block(16, 3000, hf.lzw_one_colour(0, 16 * 3000))
    data = hf.gif_of(16, 16, [hf.frame_block(16, 16, hf.lzw_one_colour(1, 256)), tall])
    assert uploads.gif_layout(data) == uploads.GifLayout(2, 16, 3000, cut_short=False, extra_blocks=4)  # loop, delays
    with pytest.raises(ValueError, match="16 × 3,000 pixels"):
        video.gif_to_clip(data, "'tall.gif'", 8, 16)


def test_frames_hidden_behind_a_stray_byte_are_counted():
    """Pillow skips a byte that starts no block; so does the gate, or frames could hide behind it."""
    frame = hf.frame_block(8, 8, hf.lzw_one_colour(0, 64))
    data = hf.gif_of(8, 8, [frame, b"\x07", frame, b"\x07", frame])
    assert uploads.gif_layout(data).frames == 3 == Image.open(io.BytesIO(data)).n_frames


def test_gif_at_the_side_limit_is_read_and_one_pixel_more_is_not():
    side = LIMITS.image_side
    assert video.gif_to_clip(hf.one_colour_gif(side, side, 2), "'edge.gif'", 4, 8).shape == (4, 8, 8, 3)
    with pytest.raises(ValueError, match=f"{side + 1:,} × {side:,} pixels"):
        video.gif_to_clip(hf.one_colour_gif(side + 1, side, 2), "'wide.gif'", 4, 8)


def test_frame_count_limit():
    small = hf.frame_block(4, 4, hf.lzw_one_colour(0, 16))
    assert video.gif_to_clip(hf.gif_of(4, 4, [small] * LIMITS.gif_frames), "'a.gif'", 4, 4).shape == (4, 4, 4, 3)
    with pytest.raises(ValueError, match=f"{LIMITS.gif_frames + 1} frames; the limit is {LIMITS.gif_frames}"):
        video.gif_to_clip(hf.gif_of(4, 4, [small] * (LIMITS.gif_frames + 1)), "'b.gif'", 4, 4)


def test_the_chosen_frames_are_spread_over_the_clip():
    colours = [hf.frame_block(4, 4, hf.lzw_one_colour(i % 4, 16)) for i in range(4)]  # red, blue, black, white
    clip = video.gif_to_clip(hf.gif_of(4, 4, colours * 5), "'a.gif'", 3, 2)  # 20 frames: 0, 10 and 19 are taken
    assert (clip[:, 0, 0] * 255).round().tolist() == [[200, 30, 30], [0, 0, 0], [255, 255, 255]]


def test_frames_announced_without_data_are_a_message_not_a_wait():
    """Within the frame limit, Pillow meets the missing data at once and says so; the visitor reads why."""
    with pytest.raises(ValueError, match="damaged or cut short"):
        video.gif_to_clip(hf.hollow_frames_gif(LIMITS.gif_frames), "'hollow.gif'", 4, 8)


@pytest.mark.parametrize(("data", "message"), [(b"GIF89a", "not an image"), (hf.png_of_zeros(8, 8), "PNG image"),
                                               (b"GIF89a" + bytes(7) + b",\x00\x00", "cut short")])
def test_broken_gifs(data, message):
    with pytest.raises(ValueError, match=message):
        video.gif_to_clip(data, "'x.gif'", 4, 8)


# ---------------------------------------------------------------- PNG and JPEG


def picture_bytes(image: Image.Image, format_: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=format_, **options)
    return buffer.getvalue()


@pytest.mark.parametrize("format_", ["PNG", "JPEG"])
def test_pictures_are_read_resized(format_):
    image = Image.new("RGB", (300, 200), (30, 30, 200))
    picture = uploads.read_image(picture_bytes(image, format_), "'p'", 5, 16)
    assert picture.shape == (16, 16, 3) and picture.dtype == np.float32
    assert np.allclose(picture[8, 8], np.array([30, 30, 200]) / 255, atol=0.03)


def test_a_photo_is_turned_upright_as_its_camera_tag_says():
    image = Image.new("RGB", (40, 20), (200, 30, 30))
    image.paste((30, 30, 200), (20, 0, 40, 20))  # left red, right blue
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: turn 90° clockwise to view
    picture = uploads.read_image(picture_bytes(image, "JPEG", exif=exif), "'photo.jpg'", 5, 8)
    assert picture[1, 4, 0] > 0.6 and picture[6, 4, 2] > 0.6  # upright: red on top, blue below


def test_a_photo_with_a_large_colour_profile_is_not_too_many_parts():
    """A camera's JPEG: its tags and a 512 KB colour profile are a few segments, far under the parts limit."""
    exif = Image.Exif()
    exif[0x0110] = "camera"
    data = picture_bytes(Image.new("RGB", (50, 50)), "JPEG", exif=exif, icc_profile=bytes(range(256)) * 2048,
                         progressive=True)
    assert uploads.read_image(data, "'photo.jpg'", 5, 8).shape == (8, 8, 3)


def test_a_file_of_another_format_is_named_not_opened():
    """Its own header could be the expensive part: 2.5 million comment blocks take Pillow 200 MB to open."""
    with pytest.raises(ValueError, match="GIF image, not a PNG or JPEG"):
        uploads.read_image(hf.commented_gif(2_500_000), "'a.gif'", 5, 8)
    with pytest.raises(ValueError, match="PNG image, not a GIF"):
        video.gif_to_clip(hf.png_of_many_chunks(200_000), "'a.png'", 4, 8)


def test_a_picture_at_the_limit_is_read():
    side = LIMITS.image_side
    assert uploads.read_image(hf.png_of_zeros(side, side), "'a.png'", 5, 8).max() == 0.0
    with pytest.raises(ValueError, match=f"{side:,} × {side + 1:,} pixels"):
        uploads.read_image(hf.png_of_zeros(side, side + 1), "'b.png'", 5, 8)


# ---------------------------------------------------------------- text and CSV


def test_text_word_and_line_limits():
    words = LIMITS.text_words
    assert len(text.read_documents(b"a b c d\n" * (words // 4), "'t.txt'")) == words // 4
    with pytest.raises(ValueError, match=f"{words + 4:,} words; the limit is {words:,}"):
        text.read_documents(b"a b c d\n" * (words // 4 + 1), "'t.txt'")
    line = LIMITS.line_characters
    assert text.read_documents(b"x" * line + b"\nshort\n", "'t.txt'")[1] == "short"
    with pytest.raises(ValueError, match=f"Line 2 of 't.txt' has {line + 1:,} characters"):
        text.read_documents(b"short\r\n" + b"x" * (line + 1) + b"\r\n", "'t.txt'")


def test_csv_row_limit_counts_rows_below_the_header():
    rows = LIMITS.csv_rows
    assert len(forecasting.read_table(hf.csv_of_many_rows(rows), "'r.csv'")) == rows
    with pytest.raises(ValueError, match=f"{rows + 1:,} rows; the limit is {rows:,}"):
        forecasting.read_table(hf.csv_of_many_rows(rows + 1), "'r.csv'")


def test_csv_column_and_cell_limits():
    columns = LIMITS.csv_columns
    assert text.read_text_table(hf.csv_of_many_columns(columns, 3), "'w.csv'")[0].shape == (3, columns)
    with pytest.raises(ValueError, match=f"{columns + 1} columns; the limit is {columns}"):
        text.read_text_table(hf.csv_of_many_columns(columns + 1, 3), "'w.csv'")
    rows = LIMITS.csv_cells // columns + 1
    with pytest.raises(ValueError, match=f"{rows * columns:,} cells; the limit is {LIMITS.csv_cells:,}"):
        text.read_text_table(hf.csv_of_many_columns(columns, rows), "'w.csv'")


def test_a_header_without_rows_says_so():
    with pytest.raises(ValueError, match=r"has a header \(date, sales\) but no rows"):
        forecasting.read_table(b"date,sales\n", "'h.csv'")


# ---------------------------------------------------------------- settings JSON


def test_json_nesting_is_refused_before_the_parser_recurses():
    """100,000 deep would raise RecursionError inside json.loads; the gate refuses it first, whatever the size."""
    with pytest.raises(RecursionError):
        json.loads("[" * 100_000 + "]" * 100_000)
    with pytest.raises(ValueError, match="more than 10 deep"):
        uploads.parse_json("[" * 100_000 + "]" * 100_000, "'deep.json'")


def test_brackets_inside_strings_are_not_nesting():
    deep_text = {"page": "p", "settings": {"note": "[[[[[[[[[[[[[[[[ \\\" {{{{{{{{{{{{{{{{"}}
    assert uploads.parse_json(json.dumps(deep_text), "'s.json'") == deep_text
    with pytest.raises(ValueError, match="more than 10 deep"):
        uploads.parse_json("[" * (LIMITS.json_depth + 1) + "]" * (LIMITS.json_depth + 1), "'s.json'")


def test_number_length_limit():
    digits = LIMITS.json_digits
    assert uploads.parse_json(f'[{"9" * digits}, 1.5e300]', "'n.json'") == [int("9" * digits), 1.5e300]
    with pytest.raises(ValueError, match=f"{digits + 1} digits; the limit is {digits}"):
        uploads.parse_json(f'[{"9" * (digits + 1)}]', "'n.json'")


def test_a_saved_settings_file_still_loads():
    data = settings_io.settings_file("Video classification", {"units": 48, "noise": 0.2}).encode()
    assert settings_io.read_settings_file(data, "'s.json'", "Video classification") == {"units": 48, "noise": 0.2}


# ---------------------------------------------------------------- help


@pytest.mark.parametrize(("kinds", "limits"), [
    (("csv",), [LIMITS.csv_rows, LIMITS.csv_columns, LIMITS.csv_cells, LIMITS.line_characters]),
    (("text", "csv"), [LIMITS.text_words, LIMITS.csv_rows, LIMITS.line_characters]),
    (("gif",), [LIMITS.gif_frames, LIMITS.image_side]),
    (("image",), [LIMITS.image_side]),
    (("settings",), [LIMITS.json_depth, LIMITS.json_digits])])
def test_help_states_every_limit_it_enforces(kinds, limits):
    sentence = uploads.limits_help(5, *kinds)
    assert sentence.startswith("At most 5 MB")
    assert all(f"{limit:,}" in sentence for limit in limits), sentence


def test_help_writes_small_limits_in_kilobytes():
    assert uploads.limits_help(settings_io.MAX_SETTINGS_FILE_KB / 1024, "settings").startswith("At most 64 KB,")
