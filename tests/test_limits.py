"""The size caps of app/core/limits.py hold at the page edge, whatever a (hostile) client sends.

A browser's widgets respect their bounds, but a client can send any number, any number of table
rows and any query string. Each check drives a page through the real navigation and asserts
that the cap holds (value clamped or refused with a message) and that no exception is shown.
Also: the README's "Limits" table lists every cap.
"""

from __future__ import annotations

import pytest

from app.core import limits
from app.core.navigation import PAGES
from devtools.limits_doc import limit_constants, limits_table
from tests.pages.conftest import open_page, table_key, texts

PAGE = {spec.path.rsplit("/", 1)[-1][0]: spec for spec in PAGES}


def no_exception(at) -> None:
    assert not at.exception, [str(e.value)[:300] for e in at.exception]


def messages(at) -> str:
    return "\n".join(str(el.value) for kind in ("error", "warning", "info") for el in at.get(kind))


# Size inputs of the conv pages and of the training panels (epochs is the costliest one).
HOSTILE_NUMBERS = {
    "1": [("c1d.n", limits.MAX_LENGTH), ("c1d.cin", limits.MAX_CHANNELS)],
    "2": [("c2d.h", limits.MAX_HEIGHT), ("c2d.kw", limits.MAX_KERNEL)],
    "3": [
        ("s3.tp.hp.epochs", limits.MAX_EPOCHS),
        ("s3.tp.hp.embedding_size", limits.MAX_EMBEDDING),
    ],
    "5": [("s5.pad.h", limits.MAX_IMAGE_EDIT_SIDE), ("s5.tp.hp.epochs", limits.MAX_EPOCHS)],
    "8": [("p8.s.sx", limits.MAX_STRIDE), ("p8.h", limits.MAX_HEIGHT)],
    "9": [("c9.n", limits.MAX_LENGTH), ("c9.k", limits.MAX_KERNEL), ("c9.d", limits.MAX_DILATION)],
}


def number_widget(at, key: str):
    """The number box or, for the explored sizes (stride, dilation, kernel), the slider ``key``."""
    sliders = [w for w in at.get("slider") if w.key == key]
    return sliders[0] if sliders else at.number_input(key=key)


@pytest.mark.parametrize("page", sorted(HOSTILE_NUMBERS))
def test_number_above_its_cap_is_not_used(page: str) -> None:
    at = open_page(PAGE[page].path)
    for key, cap in HOSTILE_NUMBERS[page]:
        widget = number_widget(at, key)
        assert widget.max == cap, f"{key}: the widget's own bound is the documented cap"
        widget.set_value(cap * 1000 + 7).run()
        no_exception(at)
        assert PAGE[page].key_text in texts(at)
        value = number_widget(at, key).value
        assert 1 <= value <= cap, key


def test_number_at_its_cap_is_accepted() -> None:
    at = open_page(PAGE["1"].path)
    at.number_input(key="c1d.n").set_value(limits.MAX_LENGTH).run()
    no_exception(at)
    assert at.number_input(key="c1d.n").value == limits.MAX_LENGTH
    key = table_key(at, "c1d.x")
    sequence = [el for el in at.get("dataframe") if el.proto.id.endswith(key)]
    assert sequence and sequence[0].value.shape[0] == limits.MAX_LENGTH


@pytest.mark.parametrize("page", ["3", "4"])
def test_too_many_sentences_are_refused_with_a_message(page: str) -> None:
    at = open_page(PAGE[page].path)
    prefix = f"s{page}"
    key = f"{prefix}.data.v{at.session_state[f'{prefix}.data_version']}"
    rows = [{"sentence": f"word{i} fine", "label": i % 2} for i in range(limits.MAX_SENTENCES)]
    at.session_state[key] = {"edited_rows": {}, "added_rows": rows, "deleted_rows": []}
    at.run()
    no_exception(at)
    assert f"at most {limits.MAX_SENTENCES}" in messages(at)
    # The refused table must not reach training: the button waits for valid data.
    assert at.button(key=f"{prefix}.tp.train").disabled


def test_too_long_sentence_is_refused_with_a_message() -> None:
    at = open_page(PAGE["3"].path)
    key = f"s3.data.v{at.session_state['s3.data_version']}"
    sentence = " ".join(["word"] * (limits.MAX_TOKENS + 1))
    at.session_state[key] = {
        "edited_rows": {0: {"sentence": sentence}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    no_exception(at)
    assert "needs fixing" in messages(at)


def test_image_set_stops_growing_at_its_cap() -> None:
    from app.core.image_sets import ImageSet, blank_image

    at = open_page(PAGE["5"].path)
    full = ImageSet((blank_image(),) * limits.MAX_IMAGES, (0, 1) * (limits.MAX_IMAGES // 2))
    at.session_state["s5.images.set"] = full
    at.session_state["s5.edit"] = True  # the card editor's expander
    at.run()
    no_exception(at)
    assert at.button(key="s5.images.add").disabled
    # The pad's "add" buttons are the other way in: they must not grow a full set either.
    for key in ("s5.pad.add0", "s5.pad.add1"):
        if not at.button(key=key).disabled:
            at.button(key=key).click().run()
            no_exception(at)
    assert len(at.session_state["s5.images.set"]) == limits.MAX_IMAGES


@pytest.mark.parametrize("page", ["1", "2", "3", "5", "8"])
def test_over_long_share_link_is_refused_with_a_warning(page: str) -> None:
    spec = PAGE[page]
    at = open_page(spec.path)
    name = next(iter(at.query_params), "x")
    at = open_page(spec.path, {name: "1" * (limits.MAX_PARAM_CHARS + 1)})
    no_exception(at)
    assert spec.key_text in texts(at)
    assert "limit" in messages(at) and str(limits.MAX_PARAM_CHARS) in messages(at)


def test_whole_link_over_the_url_cap_is_refused() -> None:
    spec = PAGE["2"]
    link = {k: at_value for k, at_value in _own_link(spec).items()}
    half = limits.MAX_URL_CHARS // 2 + 10  # two parameters, each under MAX_PARAM_CHARS
    assert half < limits.MAX_PARAM_CHARS
    link["x"] = link["x"] + "_1" * ((half - len(link["x"])) // 2)
    link["k"] = link["k"] + "_1" * ((half - len(link["k"])) // 2)
    at = open_page(spec.path, link)
    no_exception(at)
    assert f"the limit is {limits.MAX_URL_CHARS}" in messages(at)
    assert at.number_input(key="c2d.h").value == 5, "the page keeps its default example"


def _own_link(spec) -> dict[str, str]:
    at = open_page(spec.path)
    values = {k: at.query_params[k] for k in at.query_params}
    return {k: v if isinstance(v, str) else v[-1] for k, v in values.items()}


def test_oversized_upload_and_bomb_are_refused_quickly() -> None:
    import time

    from app.core import pictures
    from benchmarks.worst_case import bomb_png

    start = time.perf_counter()
    for data in (b"\x89PNG" + b"\0" * limits.MAX_UPLOAD_BYTES, bomb_png(10_000), bomb_png(60_000)):
        with pytest.raises(ValueError):
            pictures.load_picture(data)
    assert time.perf_counter() - start < 1.0


def test_limits_table_lists_every_cap() -> None:
    table = limits_table()
    names = [name for name in vars(limits) if name.isupper()]
    assert names
    for name in names:
        assert f"`{name}`" in table
        assert name in {row[0] for row in limit_constants()}
    for name, value, _, doc in limit_constants():
        assert value == getattr(limits, name)
        assert doc, f"{name} has no docstring"
