"""app.figures.titles: long chart titles broken into lines that fit a phone."""

from app.figures.titles import TITLE_CHARS, title_lines, wrap_title
from app.figures.vectors import vectors_animation


def test_a_long_title_breaks_at_spaces_into_short_lines():
    text = "2x2 region vectors (◆) and pooled image vectors (●) during training — epoch 2000"
    wrapped = wrap_title(text)
    assert wrapped.replace("<br>", " ") == text
    assert all(len(line) <= TITLE_CHARS for line in wrapped.split("<br>"))
    assert title_lines(wrapped) == 2 and wrap_title("Kernel W") == "Kernel W"


def test_the_vector_plot_makes_room_above_for_its_title_lines():
    import numpy as np

    windows = {"a b": np.array([0.1, 0.2])}
    layout = vectors_animation([0], [windows], title="A title long enough to need two lines")
    spec = layout.to_dict()["layout"]
    assert title_lines(spec["title"]["text"]) == 2 and spec["margin"]["t"] >= 70
