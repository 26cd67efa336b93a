"""Image captioning: a CNN encodes a generated scene, a recurrent decoder writes its caption, attention drawn."""

import numpy as np
import streamlit as st

from core import captioning as cp
from core import scenes as sc
from core import scripts
from core.diagnosis import HeldOut, run_of
from core.plots import plot_history
from core.uploads import RECEIVE_MB, limits_help, read_image
from ui.messages import or_stop
from ui.toolkit import review_run, share_panel
from ui.training import train_or_reuse
from ui.widgets import input_settings, register_knobs

PAGE = "Image captioning"
FRESH_SCENE_KEY = f"{PAGE}.fresh_scene_count"

st.title(PAGE)
st.markdown("One picture in, a sentence out. A small CNN turns the scene into a grid of numbers "
            "(step 1: *f = CNN(image)*); a recurrent decoder then writes the caption one word at a time, "
            "each word chosen from the picture and the words before it (step 2). With **attention**, the decoder "
            "also looks over the grid at every word, and you can see where.")


def as_picture(image: np.ndarray, scale: int = 6) -> np.ndarray:
    """An image as 8-bit pixels, enlarged with sharp edges for the screen."""
    return (cp.enlarged(np.clip(image, 0, 1), scale) * 255).astype(np.uint8)


# ------------------------------------------------------------------ scenes
st.header("1 · The scenes")
left, middle, right = st.columns(3)
with left:
    knobs = input_settings(cp.CaptionSettings, ["num_shapes", "num_colours", "num_kinds", "vary_size"], PAGE)
with middle:
    knobs |= input_settings(cp.CaptionSettings, ["held_out_pairs", "image_size", "noise"], PAGE)
with right:
    knobs |= input_settings(cp.CaptionSettings, ["num_scenes"], PAGE)

style = or_stop(lambda: cp.CaptionSettings(**knobs).style)
samples = sc.make_scenes(style, 6, [cp.CaptionSettings().seed, 7])
for column, image, scene in zip(st.columns(6), samples.images, samples.scenes, strict=True):
    words = " ".join(scene.words(style.with_size))
    column.image(as_picture(image, 4), caption=words, width="stretch", alt=f"a generated scene: {words}")
held_out_text = ", ".join(f"**{c} {k}**" for c, k in style.held_out)
st.caption(f"Six scenes drawn as the {knobs['num_scenes']:,} training scenes are, each with the caption it is "
           f"trained to write. " + (f"Never in training: {held_out_text}. Scenes holding those pairs are scored "
                                   "apart below." if style.held_out else "No colour–shape pair is held out."))

# ------------------------------------------------------------------ model
st.header("2 · The model")
with st.expander("Model and training settings", expanded=True):
    left, middle, right = st.columns(3)
    with left:
        knobs |= input_settings(cp.CaptionSettings, ["filters", "conv_layers", "attention"], PAGE)
    with middle:
        knobs |= input_settings(cp.CaptionSettings, ["feed", "cell", "units"], PAGE)
    with right:
        knobs |= input_settings(cp.CaptionSettings, ["epochs", "batch_size", "learning_rate", "seed"], PAGE)
settings = cp.CaptionSettings(**knobs)
rows, columns, channels = cp.grid_of(settings)
st.markdown(f"**Encoder:** scene ({settings.image_size}×{settings.image_size}×3) → {settings.conv_layers} strided "
            f"convolutions and one more → a grid of {rows}×{columns} cells, {channels} numbers each.  \n"
            f"**Decoder:** the grid summed up into one vector, fed {cp.FEEDS[settings.feed]} → {settings.cell}"
            f"({settings.units}) reading the previous word"
            + (f" → attention over the {rows * columns} cells" if settings.attention else "")
            + f" → softmax over {len(cp.VOCABULARY)} words. Trained with teacher forcing: at every position it "
              "reads the true previous word.")

register_knobs(cp.DecodingSettings, PAGE)  # drawn once a model exists; a link may already set them
share_panel(PAGE)
or_stop(lambda: cp.check_memory(settings))

compare_on = cp.scenes_name(settings)
result = train_or_reuse(PAGE, settings, "generated scenes",
                        run=lambda on_epoch_end: cp.fit_captioner(settings, on_epoch_end),
                        summary=f"{settings.num_shapes} shapes · {settings.cell} {settings.units}"
                                + (" · attention" if settings.attention else ""), public_data=True,
                        compare_on=compare_on)
if result is None:
    st.stop()
details: cp.CaptionResult = result.details

# ------------------------------------------------------------------ results
st.header("3 · How well it writes")
st.subheader(cp.score_sentence(details.unseen))
st.markdown(f"{details.verdict.sentence} {cp.paired_sentence(details.unseen)}")
sets = [s for s in (details.unseen, details.held_out) if s is not None]
for tab, scores in zip(st.tabs([s.name.capitalize() for s in sets]), sets, strict=True):
    table = cp.score_table(scores)
    tab.dataframe(table.style.format("{:.1%}").format("{:.3f}", subset=["BLEU-4"]), column_config={
        "BLEU-4": st.column_config.Column(help="Overlap of 1- to 4-word runs with the true captions (nltk's "
                                               "corpus BLEU, smoothed); 1 is identical."),
        "exact match": st.column_config.Column(help="Share of scenes whose whole caption is right."),
    })
st.caption(f"The model's greedy captions against two baselines on the same scenes: the caption seen most often in "
           f"training (“{details.most_frequent_caption}”), and the caption of the training scene nearest in "
           f"pixels (averaged over {cp.NEAREST_BLOCK}×{cp.NEAREST_BLOCK} blocks). Attributes are read in their "
           f"place: the first shape's colour must be the first colour said. Trained and scored in "
           f"{result.seconds:.1f} s ({result.epochs_run} epochs).")
st.markdown(cp.held_out_sentence(details, style))
st.plotly_chart(plot_history(result.history, settings.epochs))
st.caption(f"Loss and word accuracy per epoch (every position of every caption, teacher-forced); validation on "
           f"{round(settings.num_scenes * 0.2):,} scenes held back from training. Last validation accuracy "
           f"{result.history['val_accuracy'][-1]:.1%}.")


# ------------------------------------------------------------------ decoding
@st.cache_data(show_spinner=False, max_entries=4)
def cached_unseen_scenes(settings: cp.CaptionSettings) -> sc.SceneSet:
    """The unseen test scenes, made once per settings rather than on every rerun."""
    return cp.unseen_scenes(settings)


st.header("4 · Decoding you can watch")
test = cached_unseen_scenes(settings)
left, middle, right = st.columns([1, 1, 1])
scene_number = int(left.number_input("Unseen scene", 1, cp.TEST_SCENES, 1, key=f"{PAGE}.scene",
                                     help="Which of the unseen test scenes to caption, step by step."))
with middle:
    decoding_knobs = input_settings(cp.DecodingSettings, ["beam_width"], PAGE)
with right:
    decoding_knobs |= input_settings(cp.DecodingSettings, ["top_k"], PAGE)
decoding = cp.DecodingSettings(**decoding_knobs)
image = test.images[scene_number - 1]
greedy = cp.caption_greedy(result.model, image[None], decoding.top_k)[0]
beam = cp.caption_beam(result.model, image, decoding.beam_width, top_k=2 * decoding.beam_width)
truth = details.unseen.truth[scene_number - 1]
left, right = st.columns([1, 3])
left.image(as_picture(image), caption=f"truth: {truth}", width="stretch", alt=f"test scene {scene_number}: {truth}")
with right:
    st.markdown(f"**Greedy:** {' '.join(sc.words_of(greedy.sequence.tokens))}  ·  **beam (width "
                f"{decoding.beam_width}):** {' '.join(sc.words_of(beam.sequences[0].tokens))}")
    st.dataframe(cp.greedy_table(greedy).style.format({"probability": "{:.3g}"}), hide_index=True)
    st.caption(f"Greedy decoding: at each step the most likely word is taken and fed back as the next input. "
               f"The whole caption's probability is the product of the chosen words': "
               f"{greedy.sequence.probability:.3f}.")
left, right = st.columns(2)
left.dataframe(cp.beam_captions(beam).style.format({"probability": "{:.3g}"}), hide_index=True)
left.caption(f"The {len(beam.sequences)} captions beam search kept, most likely first. "
             + cp.beam_versus_greedy(beam, greedy))
right.dataframe(cp.beam_table(beam).style.format({"probability": "{:.3g}"}), hide_index=True, height=300)
right.caption(f"Each step's best extensions of the {decoding.beam_width} kept beginnings; “kept” ones go on, "
              "the rest are dropped.")

# ------------------------------------------------------------------ attention
st.header("5 · Where it looked")


def show_attention(picture: np.ndarray, tokens: tuple[int, ...], key: str) -> None:
    """The attention panels for a caption the model wrote, with a caption read from the weights."""
    if details.attention_reader is None:
        st.info("This model has no attention: it saw the whole grid once, summed up, before the first word. "
                "Switch **Attention** on and train to see where each word looks.")
        return
    words = sc.words_of(tokens)  # the words written, without <end>
    weights = cp.attention_maps(result.model, details.attention_reader, picture, tokens[: len(words)])
    st.plotly_chart(cp.plot_attention(picture, weights, words), key=key)
    word, peak = cp.sharpest_look(weights, words)
    cells = weights[0].size
    st.caption(f"One panel per word the model wrote: the grid's {cells} cells are darkened the less weight the "
               f"decoder gave them while choosing that word (each panel's weights sum to one), the most weighed "
               f"outlined. An even look would give every cell {1 / cells:.1%}; the narrowest look here was at "
               f"“{word}”, {peak:.0%} on one cell. " + cp.attention_sentence(details.attention_on_shapes))


show_attention(image, greedy.sequence.tokens, f"{PAGE}.attention_test")

# ------------------------------------------------------------------ try it
st.header("6 · Try a scene of your own")


def input_shapes() -> tuple[list[sc.Shape], str | None]:
    """The visitor's picks: each shape's colour, kind and size, and the relation between two."""
    picked = []
    columns = st.columns(4)
    for index in range(settings.num_shapes):
        with columns[index]:
            st.markdown(f"**Shape {index + 1}**")
            colour = st.selectbox("Colour", style.colours, index=index, key=f"{PAGE}.try_colour_{index}",
                                  help="Held-out colour–shape pairs may be picked too: the model never saw them.")
            kind = st.selectbox("Kind", style.kinds, index=(index + 1) % len(style.kinds),
                                key=f"{PAGE}.try_kind_{index}", help="Which shape to draw.")
            size = st.selectbox("Size", style.sizes, index=index % len(style.sizes),
                                key=f"{PAGE}.try_size_{index}", help="Small or large (large only when sizes do "
                                                                    "not vary).")
        picked.append(sc.Shape(colour, kind, size))
    relation = None
    if settings.num_shapes == 2:
        relation = columns[2].selectbox("First shape is…", sc.RELATIONS, key=f"{PAGE}.try_relation",
                                        help="Where the first shape sits against the second.")
    if columns[3].button("Draw a new scene", key=f"{PAGE}.fresh",
                         help="Place the picked shapes afresh, with new noise."):
        st.session_state[FRESH_SCENE_KEY] = st.session_state.get(FRESH_SCENE_KEY, 0) + 1
    return picked, relation


def show_caption(picture: np.ndarray, label: str, key: str) -> None:
    """Caption one picture: greedy and beam, then where the words looked."""
    written = cp.caption_greedy(result.model, picture[None], decoding.top_k)[0]
    found = cp.caption_beam(result.model, picture, decoding.beam_width)
    left, right = st.columns([1, 3])
    left.image(as_picture(picture), caption=label, width="stretch", alt=f"the picture captioned: {label}")
    right.markdown(f"**Greedy:** {' '.join(sc.words_of(written.sequence.tokens))} "
                   f"(probability {written.sequence.probability:.3f})")
    right.dataframe(cp.beam_captions(found).style.format({"probability": "{:.3g}"}), hide_index=True)
    with right:
        show_attention(picture, written.sequence.tokens, key)


picked, relation = input_shapes()
count = st.session_state.get(FRESH_SCENE_KEY, 0)
fresh = cp.scene_of(picked, relation, settings, count)
truth_words = " ".join(sc.Scene(tuple(picked), relation).words(style.with_size))
held = [f"{s.colour} {s.kind}" for s in picked if (s.colour, s.kind) in style.held_out]
show_caption(fresh, f"new scene #{count}: {truth_words}", f"{PAGE}.attention_fresh")
if held:
    st.caption(f"{', '.join(held)}: a pair the model never saw in training.")

upload = st.file_uploader(f"Or upload a picture (PNG or JPEG, at most {cp.MAX_UPLOAD_MB} MB)",
                          type=["png", "jpg", "jpeg"], max_upload_size=RECEIVE_MB, key=f"{PAGE}.upload",
                          help="Its centre square is kept and shrunk to the model's image size. "
                               + limits_help(cp.MAX_UPLOAD_MB, "image"))
if upload is not None:
    try:
        uploaded = read_image(upload.getvalue(), f"'{upload.name}'", cp.MAX_UPLOAD_MB, settings.image_size)
    except ValueError as err:
        st.error(str(err))
    else:
        st.info("The model only knows the generated scenes above; anything else is described with their words.")
        show_caption(uploaded, "your picture as the model sees it", f"{PAGE}.attention_upload")

review_run(PAGE, run_of(result, verdict=details.verdict,
                        held_out=HeldOut({"model": details.unseen.model.exact_match})),
           scripts.caption_script(settings), compare_on)
