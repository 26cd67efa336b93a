"""Video classification: a CNN+RNN, a 3D CNN and a frame-only baseline on the same clips, each seeing time its way."""

import keras
import numpy as np
import pandas as pd
import streamlit as st

from core import scripts
from core import video as vd
from core.diagnosis import HeldOut, run_of
from core.plots import plot_bars, plot_heatmap, plot_history, plot_probabilities_over_time
from core.training import predict
from core.uploads import RECEIVE_MB, limits_help
from ui.messages import or_stop
from ui.toolkit import review_run, share_panel
from ui.training import train_or_reuse
from ui.widgets import input_settings

PAGE = "Video classification"
NEW_CLIP_KEY = f"{PAGE}.new_clip_count"

st.title(PAGE)
st.markdown("Each clip shows one shape moving. A small CNN turns every frame into numbers; a recurrent layer "
            "reads them **in order** and names the motion. Beside it, a **3D CNN** whose first filters span a few "
            "neighbouring frames as well as pixels, and the same CNN with its frames averaged: it sees every frame "
            "but not their order.")

# ------------------------------------------------------------------ clips
st.header("1 · The clips")
left, right = st.columns(2)
with left:
    knobs = input_settings(vd.VideoSettings, ["num_classes", "frames", "frame_size"], PAGE)
with right:
    knobs |= input_settings(vd.VideoSettings, ["noise", "clips_per_class"], PAGE)


def show_clips(clips: np.ndarray, captions: list[str]) -> None:
    """Clips as looping animations in a row."""
    for column, clip, caption in zip(st.columns(len(clips)), clips, captions, strict=True):
        column.image(vd.clip_to_gif(clip), caption=caption, width="stretch", alt=vd.describe_clip(clip, caption))


preview = vd.VideoSettings(**knobs)
show_clips(vd.sample_clips(preview), list(preview.classes))
st.caption("One generated clip of each class, playing on a loop. Left and right cover the same places and "
           "growing and shrinking the same sizes: only the order of the frames tells them apart.")

# ------------------------------------------------------------------ models
st.header("2 · The models")
with st.expander("Model and training settings", expanded=True):
    left, middle, right = st.columns(3)
    with left:
        knobs |= input_settings(vd.VideoSettings, ["filters", "conv_layers", "temporal_kernel"], PAGE)
    with middle:
        knobs |= input_settings(vd.VideoSettings, ["cell", "units"], PAGE)
    with right:
        knobs |= input_settings(vd.VideoSettings, ["epochs", "batch_size", "learning_rate", "seed"], PAGE)
settings = vd.VideoSettings(**knobs)
st.markdown(f"**CNN+RNN:** clip ({settings.frames} × {settings.frame_size}×{settings.frame_size}×3) → "
            f"the CNN on each frame ({settings.conv_layers} strided convolutions, {vd.FEATURES} numbers per frame) → "
            f"{settings.cell}({settings.units}) → softmax over {settings.num_classes} classes.  \n"
            f"**3D CNN:** a 3D convolution over (time, height, width), each filter {settings.temporal_kernel} frames "
            f"× 3 × 3 pixels, then the frame CNN's other {settings.conv_layers - 1} convolution(s) → {vd.FEATURES} "
            f"numbers per frame → average over time → softmax.  \n"
            f"**Frame-only baseline:** the same CNN on each frame → average over time → softmax.")

share_panel(PAGE)
or_stop(lambda: vd.check_memory(settings))

compare_on = (f"{settings.num_classes} classes, {settings.frames} frames of {settings.frame_size} px, "
              f"noise {settings.noise:g}")
result = train_or_reuse(PAGE, settings, "generated clips", run=lambda on_epoch_end: vd.fit_video_models(
    settings, on_epoch_end), summary=f"{settings.num_classes} classes · CNN+{settings.cell} {settings.units}",
    models=3, public_data=True, compare_on=compare_on)
if result is None:
    st.stop()

# ------------------------------------------------------------------ results
video = result.details
trained = {"CNN+RNN": (video.cnn_rnn, result.history), "3D CNN": (video.cnn3d, video.cnn3d_history),
          "frame-only": (video.frame_only, video.frame_only_history)}
st.header("3 · Results on unseen clips")
st.subheader(f"Reading frames in order: {video.cnn_rnn.accuracy:.0%} of unseen clips right. A few frames at a time "
             f"(3D CNN): {video.cnn3d.accuracy:.0%}. Averaging the same frames: {video.frame_only.accuracy:.0%}.")
st.markdown(f"{video.verdict.sentence} {video.cnn3d_verdict.sentence} {video.rnn_against_3d.sentence}")
st.markdown(f"{vd.order_story('CNN+RNN', video.shuffled, video.order_matters)} "
            f"{vd.order_story('3D CNN', video.cnn3d_shuffled, video.cnn3d_order_matters)}")
left, middle, right = st.columns(3)
left.metric("CNN+RNN", f"{video.cnn_rnn.accuracy:.0%}", help="Share of unseen test clips named right.")
middle.metric("3D CNN", f"{video.cnn3d.accuracy:.0%}",
              help=f"Filters over time and space: each output sees {video.temporal_field} neighbouring frames.")
right.metric("Frame-only baseline", f"{video.frame_only.accuracy:.0%}",
             help="The same CNN, frames averaged over time: it cannot know their order.")
st.caption(f"{vd.TEST_CLIPS_PER_CLASS} unseen clips per class; chance is {1 / settings.num_classes:.0%}. "
           f"The three models trained in {result.seconds:.1f} s.")

st.markdown("**What each model can and cannot see**")
st.markdown("\n".join(f"- **{name}:** {words}"
                       for name, words in vd.what_each_sees(settings, video.temporal_field).items()))
st.dataframe(pd.DataFrame({"test accuracy": {name: scores.accuracy for name, (scores, _) in trained.items()},
                           "frames shuffled": {"CNN+RNN": video.shuffled.accuracy,
                                               "3D CNN": video.cnn3d_shuffled.accuracy},
                           "weights": video.parameters})
             .style.format({"test accuracy": "{:.0%}", "frames shuffled": "{:.0%}", "weights": "{:,}"},
                           na_rep="—"))
st.caption("The same unseen clips for every model, then the same clips with their frames in random order (the "
           "frame-only model averages its frames, so shuffling cannot change its answers); weights as Keras counts "
           "them. A model that drops when the frames are shuffled was using their order.")

for tab, (_, history) in zip(st.tabs([f"{name} curves" for name in trained]), trained.values(), strict=True):
    tab.plotly_chart(plot_history(history, settings.epochs))
st.caption("Loss and accuracy per epoch for each model. They end at " + ", ".join(
    f"{history['val_accuracy'][-1]:.0%} ({name})" for name, (_, history) in trained.items())
    + " validation accuracy.")

names = list(settings.classes)
for column, (title, (scores, _)) in zip(st.columns(len(trained)), trained.items(), strict=True):
    column.markdown(f"**{title}**")
    column.plotly_chart(plot_heatmap(scores.confusion.tolist(), names, names, zmid=None))
st.caption("Confusion matrices: rows are the true motion, columns the model's answer; a perfect model fills only "
           "the diagonal. " + " ".join(vd.mistakes_story(scores, settings.classes, name)
                                      for name, (scores, _) in trained.items()))
st.dataframe(pd.DataFrame({name: scores.per_class | scores.pairs for name, (scores, _) in trained.items()})
             .style.format("{:.0%}"))
st.caption("Accuracy per class, then on each direction pair (answers within the pair only; chance 50%).")

# ------------------------------------------------------------------ one clip, frame by frame
st.header("4 · When does it make up its mind?")
left, right = st.columns([1, 3])
chosen_class = left.selectbox("Class", names, key=f"{PAGE}.inspect_class",
                              help="Which motion to look at; a test clip of it is shown.")
clip = video.example_clips[chosen_class]
left.image(vd.clip_to_gif(clip), caption=f"a test clip: {chosen_class}", width="stretch",
           alt=vd.describe_clip(clip, chosen_class))
right.plotly_chart(plot_probabilities_over_time(predict(video.per_frame_reader, clip[None])[0].tolist(), names))
right.caption(f"The CNN+RNN's answer after each frame. One frame cannot show a direction, so early answers are "
              f"guesses; see after how many frames the line for “{chosen_class}” rises above the rest.")


# ------------------------------------------------------------------ a new clip or a GIF
def show_answers(clip: np.ndarray, models: dict[str, keras.Model], names: list[str]) -> None:
    """Each model's class probabilities for one clip, side by side."""
    for column, (title, model) in zip(st.columns(len(models)), models.items(), strict=True):
        column.markdown(f"**{title}**")
        column.plotly_chart(plot_bars(names, predict(model, clip[None])[0].tolist()))
    st.caption("Each model's probability for every class. The frame-only model splits its bet within a pair.")


st.header("5 · Try a clip of your own")
left, right = st.columns([1, 3])
new_class = left.selectbox("Motion", names, key=f"{PAGE}.new_class", help="The motion of the clip to make.")
if left.button("Make a new clip", key=f"{PAGE}.make", help="Generate a fresh clip with the settings above."):
    st.session_state[NEW_CLIP_KEY] = st.session_state.get(NEW_CLIP_KEY, 0) + 1
count = st.session_state.get(NEW_CLIP_KEY, 0)
new_clip = vd.new_clip(settings, new_class, count)
left.image(vd.clip_to_gif(new_clip), caption=f"new clip #{count}: {new_class}", width="stretch",
           alt=vd.describe_clip(new_clip, new_class))
all_models = {"CNN+RNN": result.model, "3D CNN": video.cnn3d_model, "Frame-only": video.frame_only_model}
with right:
    show_answers(new_clip, all_models, names)

upload = st.file_uploader(f"Or upload a short animated GIF (at most {vd.MAX_UPLOAD_MB} MB)", type=["gif"],
                          max_upload_size=RECEIVE_MB, key=f"{PAGE}.upload",
                          help="Its frames are spread over the clip length and resized to the model's frame size. "
                               + limits_help(vd.MAX_UPLOAD_MB, "gif"))
if upload is not None:
    try:
        uploaded = vd.gif_to_clip(upload.getvalue(), f"'{upload.name}'", settings.frames, settings.frame_size)
    except ValueError as err:
        st.error(str(err))
    else:
        st.info("The models only know the generated motions above; anything else gets the nearest of those.")
        left, right = st.columns([1, 3])
        left.image(vd.clip_to_gif(uploaded), caption="your GIF as the model sees it", width="stretch",
                   alt="your GIF as the model sees it: " + vd.describe_clip(uploaded))
        with right:
            show_answers(uploaded, all_models, names)

review_run(PAGE, run_of(result, {name: history for name, (_, history) in trained.items()},
                        video.verdict, held_out=HeldOut({"CNN+RNN": video.cnn_rnn.accuracy,
                                                         "3D CNN": video.cnn3d.accuracy},
                                                        1 / settings.num_classes, len(video.cnn_rnn.correct),
                                                        vd.WHEN_FAILING)),
           scripts.video_script(settings), compare_on)
