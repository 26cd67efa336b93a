
import numpy as np

from core import video as vd
from tests.app.helpers import models, train_with

PAGE = "views/video.py"
PREFIX = "Video classification"


def train_quickly(at):
    return train_with(at, PREFIX, num_classes=2, frames=4, clips_per_class=20, epochs=1)


def gif_bytes(frames: int = 6) -> bytes:
    clip = vd.make_clip("right", frames, 16, 0.0, np.random.default_rng(0))
    return vd.clip_to_gif(clip, scale=1)


def test_training_shows_the_three_models_the_shuffled_check_and_confusion_matrices(open_page):
    at = train_quickly(open_page(PAGE))
    assert "Reading frames in order" in at.subheader[0].value and "(3D CNN)" in at.subheader[0].value
    assert [m.label for m in at.metric][:3] == ["CNN+RNN", "3D CNN", "Frame-only baseline"]
    assert len(at.get("plotly_chart")) >= 10  # 3 curves, 3 confusion matrices, per-frame view, 3 answer bars
    assert models(at) == 1
    table = at.dataframe[0].value
    settings = vd.VideoSettings(num_classes=2, frames=4, clips_per_class=20, epochs=1)
    args = (settings.frames, settings.frame_size, settings.num_classes, settings.filters, settings.conv_layers)
    keras_counts = {"CNN+RNN": vd.build_cnn_rnn(*args, settings.cell, settings.units).count_params(),
                    "3D CNN": vd.build_cnn3d(*args, settings.temporal_kernel).count_params(),
                    "frame-only": vd.build_frame_only(*args).count_params()}
    assert table["weights"].to_dict() == keras_counts
    field = vd.temporal_field(vd.build_cnn3d(*args, settings.temporal_kernel))
    assert any(f"**3D CNN:** {field} neighbouring frames" in m.value for m in at.markdown)
    assert any("the 3D CNN" in m.value and "frames shuffled" in m.value for m in at.markdown)


def test_a_new_clip_is_made_and_classified_without_retraining(open_page):
    at = train_quickly(open_page(PAGE))
    at.button(key=f"{PREFIX}.make").click().run()
    assert not at.exception
    assert at.session_state[f"{PREFIX}.new_clip_count"] == 1
    assert models(at) == 1


def test_an_uploaded_gif_is_classified_with_a_note(open_page):
    at = train_quickly(open_page(PAGE))
    at.file_uploader(key=f"{PREFIX}.upload").set_value(("moving.gif", gif_bytes(), "image/gif")).run()
    assert not at.exception and not at.error
    assert any("only know the generated motions" in i.value for i in at.info)


