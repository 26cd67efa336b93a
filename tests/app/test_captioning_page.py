import io
import json

from tests.app.helpers import models

PAGE = "views/captioning.py"
PREFIX = "Image captioning"


def train_quickly(at, **sliders):
    """Few scenes, one epoch, a small model: the default's code path in seconds."""
    at.number_input(key=f"{PREFIX}.num_scenes").set_value(200).run()
    for name, value in {"epochs": 1, "units": 16, "filters": 4, **sliders}.items():
        at.slider(key=f"{PREFIX}.{name}").set_value(value).run()
    at.button(key=f"{PREFIX}.train").click().run()
    assert not at.exception, at.exception
    return at


def figure_types(at) -> list[set[str]]:
    """The trace types of each Plotly chart on the page."""
    return [{trace.get("type", "scatter") for trace in json.loads(chart.proto.spec)["data"]}
            for chart in at.get("plotly_chart")]


def greedy_lines(at) -> list[str]:
    """The captions the page wrote greedily, one line per picture."""
    return [m.value for m in at.markdown if m.value.startswith("**Greedy:**")]


def test_the_defaults_train_and_show_scores_decoding_and_attention(open_page):
    at = train_quickly(open_page(PAGE))
    assert models(at) == 1
    assert "exactly right" in at.subheader[0].value
    headers = [h.value for h in at.header]
    assert headers[2:6] == ["3 · How well it writes", "4 · Decoding you can watch", "5 · Where it looked",
                            "6 · Try a scene of your own"]
    assert any("holds a pair no training scene had (red circle, green square)" in m.value for m in at.markdown)
    attention_maps = [t for t in figure_types(at) if {"image", "heatmap"} <= t]
    assert len(attention_maps) == 2  # the unseen scene's words, and the fresh scene's
    assert any("narrowest look here was at" in c.value for c in at.caption)
    assert any("Greedy decoding: at each step" in c.value for c in at.caption)


def test_a_fresh_scene_of_picked_shapes_is_drawn_and_captioned_without_retraining(open_page):
    at = train_quickly(open_page(PAGE))
    at.selectbox(key=f"{PREFIX}.try_colour_0").set_value("red").run()
    at.selectbox(key=f"{PREFIX}.try_kind_0").set_value("circle").run()  # a held-out pair
    at.button(key=f"{PREFIX}.fresh").click().run()
    assert not at.exception and not at.error
    assert at.session_state[f"{PREFIX}.fresh_scene_count"] == 1
    assert any("red circle: a pair the model never saw" in c.value for c in at.caption)
    assert models(at) == 1


def test_an_unreadable_or_huge_upload_gets_its_message_and_the_model_stays(open_page):
    from tests.core.test_captioning import huge_header_png

    at = train_quickly(open_page(PAGE))
    at.file_uploader(key=f"{PREFIX}.upload").set_value(("broken.png", b"not a picture", "image/png")).run()
    assert not at.exception
    assert any("'broken.png' is not an image that can be read" in e.value for e in at.error)
    assert models(at) == 1 and "exactly right" in at.subheader[0].value
    at.file_uploader(key=f"{PREFIX}.upload").set_value(("big.png", huge_header_png(9000, 9000), "image/png")).run()
    assert any("9,000 × 9,000 pixels; the limit is 2,000 × 2,000" in e.value for e in at.error)
    assert models(at) == 1


def test_an_uploaded_picture_is_captioned_with_a_note(open_page):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (120, 80), (230, 40, 30)).save(buffer, format="JPEG")
    at = train_quickly(open_page(PAGE))
    captioned = len(greedy_lines(at))
    at.file_uploader(key=f"{PREFIX}.upload").set_value(("red.jpg", buffer.getvalue(), "image/jpeg")).run()
    assert not at.exception and not at.error
    assert any("only knows the generated scenes" in i.value for i in at.info)
    assert len(greedy_lines(at)) == captioned + 1


def test_without_attention_the_page_says_there_is_no_map(open_page):
    at = open_page(PAGE)
    at.toggle(key=f"{PREFIX}.attention").set_value(False).run()
    at = train_quickly(at)
    assert any("This model has no attention" in i.value for i in at.info)
    assert not [t for t in figure_types(at) if "heatmap" in t]


def test_held_out_pairs_beyond_the_colours_are_refused_with_the_fix(open_page):
    at = open_page(PAGE)
    at.slider(key=f"{PREFIX}.num_colours").set_value(2).run()
    at.slider(key=f"{PREFIX}.held_out_pairs").set_value(3).run()
    assert not at.exception
    assert "Lower the held-out pairs to 2" in at.error[0].value
