"""Home: what a CNN is, the map of the sections, and how to use the app."""

import streamlit as st

from app.core.navigation import HOME, SECTIONS
from app.figures.thumbnails import PICTURES, picture_title
from app.server import reroute_deep_link

reroute_deep_link()

st.title(HOME.key_text)
st.markdown(
    "A **convolutional neural network** (CNN) looks at data through a small window. "
    "The window, called the *kernel* or *filter*, slides over a sequence or a grid; at every "
    "position it multiplies what it sees by its own numbers and adds the products up. "
    "The results form a new, smaller sequence or grid of *feature* vectors, which a network "
    "squashes with an activation, shrinks with *pooling*, and finally turns into a prediction."
)
st.latex(r"y_{i} = f\Big(\sum_{t=0}^{k-1} \sum_{c} x_{i\cdot s + t,\,c}\, W_{t,c} + b\Big)")
st.markdown(
    "Here every number is yours to change. Each page below is one step of the lesson: edit "
    "the input, the kernel, the stride, the padding or the pooling, and the page recomputes "
    "at once and shows where each number comes from. From section 3 on you train the tiny "
    "networks yourself and watch the error fall."
)

st.subheader("The sections")
st.caption("Start at 1 and go in order: each section adds one idea to the one before.")


@st.cache_data(max_entries=16)
def picture(url_path: str) -> str:
    return PICTURES[url_path]()


for row in range(0, len(SECTIONS), 3):
    for column, spec in zip(st.columns(3), SECTIONS[row : row + 3], strict=False):
        with column, st.container(border=True):
            svg = picture(spec.url_path)
            st.image(svg, width="stretch", alt=picture_title(svg))
            st.page_link(spec.path, label=spec.title, icon=spec.icon)
            st.caption(spec.summary)

st.subheader("How to use this app")
st.markdown(
    "- Tables are editable: click a cell, type a number, press Enter.\n"
    "- Every page opens on the tutorial's reference example; the numbers match the tutorial.\n"
    "- **Share this setup** gives a link that reopens the page as you left it: settings, data, "
    "open tab, selection and the trained model (trained again when the link opens).\n"
    "- **Exercises** (under Practice) are tasks the app checks; every page also has **Get the "
    "code** (NumPy and PyTorch scripts) and **Make an exercise from this page** for teachers.\n"
    "- Shapes follow TensorFlow, channels last: a 1D input is (batch, width, channels), "
    "a 2D input (batch, height, width, channels)."
)
