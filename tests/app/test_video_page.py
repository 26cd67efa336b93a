
import numpy as np

from core import video as vd
from tests.app.helpers import models, train_with

PAGE = "views/video.py"
PREFIX = "Video classification"


def train_quickly(at):
    return train_with(at, PREFIX, num_classes=2, clips_per_class=20, epochs=1)


def gif_bytes(frames: int = 6) -> bytes:
    clip = vd.make_clip("right", frames, 16, 0.0, np.random.default_rng(0))
    return vd.clip_to_gif(clip, scale=1)


def test_training_shows_both_models_the_shuffled_check_and_confusion_matrices(open_page):
    at = train_quickly(open_page(PAGE))
    assert "Reading frames in order" in at.subheader[0].value
    assert [m.label for m in at.metric][:3] == ["CNN+RNN", "Frame-only baseline", "CNN+RNN, frames shuffled"]
    assert len(at.get("plotly_chart")) >= 6  # 2 curves, 2 confusion matrices, per-frame view, 2 answer bars
    assert models(at) == 1


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


