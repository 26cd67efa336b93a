"""Home: what sequential data is, why order matters, and where to go next.

Plain text and page links only: this page must paint fast and never import Keras.
"""

import streamlit as st

from core.catalogue import PAGES
from ui.guide import first_visit_path

st.title("Sequence Lab")
st.markdown(
    "Explore the neural networks that read **sequences**: turn the knobs, train small models "
    "right here in your browser, and see what changes. No programming needed."
)

st.header("What is sequential data?")
st.markdown(
    "Data where **the order of the items carries meaning**. Shuffle it and you lose information."
)
examples = st.columns(3)
for column, (name, example) in zip(examples * 2, [
    ("Time series", "Daily sales of a shop, a heart-rate trace, the temperature every hour."),
    ("Text", "Words in a sentence: *dog bites man* is not *man bites dog*."),
    ("Speech and audio", "Thousands of sound-pressure samples a second, making up phonemes and words."),
    ("Video", "Frames in order: a ball moving left looks like one moving right if you shuffle them."),
    ("DNA and proteins", "Letters A, C, G, T whose order spells out genes."),
    ("Clickstreams", "The pages a visitor opens, in order, hinting at what they will do next."),
], strict=True):
    column.markdown(f"**{name}**  \n{example}")

st.header("Why order matters")
st.markdown(
    "An ordinary network looks at a fixed-size input all at once. A **recurrent** network reads "
    "a sequence one step at a time and carries a **hidden state** — a running summary of what "
    "it has seen — from each step to the next:\n\n"
    "$$h_t = \\tanh(W_{xh}\\,x_t + W_{hh}\\,h_{t-1} + b)$$\n\n"
    "The same weights are used at every step, so one small model handles sequences of any length."
)

st.header("Connection patterns at a glance")
st.markdown(
    "| Pattern | In → out | Example |\n"
    "|---|---|---|\n"
    "| One-to-one | one item → one item | classify a single number (no recurrence needed) |\n"
    "| One-to-many | one item → a sequence | a start value → the next values of a wave |\n"
    "| Many-to-one | a sequence → one item | a review → positive or negative |\n"
    "| Many-to-many, aligned | a sequence → one output per step | tag each word in a sentence |\n"
    "| Many-to-many, different lengths | a sequence → another sequence | translate, or reverse a word |"
)

st.header("Model families")
families = st.columns(3)
families[0].markdown(
    "**Simple RNN**  \nOne hidden state updated by one formula. Easy to follow, but it forgets "
    "quickly: its learning signal fades over long sequences (*vanishing gradients*)."
)
families[1].markdown(
    "**LSTM and GRU**  \nRecurrent cells with **gates** that decide what to keep, forget and "
    "output. They remember over far longer stretches, which is why they became the standard."
)
families[2].markdown(
    "**CNN + RNN**  \nA convolutional network reads each video frame (or audio slice); a "
    "recurrent layer reads the frames in order to understand motion over time."
)

if PAGES:
    first_visit_path()
    st.header("Every page")
    cards = st.columns(min(len(PAGES), 3))
    for index, page in enumerate(PAGES):
        with cards[index % len(cards)].container(border=True):
            st.page_link(page.path, label=page.title, icon=page.icon)
            st.caption(page.blurb)
