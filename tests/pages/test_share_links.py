"""Share links written before the controls were declared once still open every page as they were.

Each link below is a literal string written by the code of the time (pages 3 and 4 in the old
text-page format, ``h=3_lr_mom_init&sd=..&op=..&ac=..&pl=..``); each names a value for every
control of its page that differs from the page's default. Opening it must restore every control
(its session-state key, i.e. its widget) and the data, and the page must then write its link in
today's format.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

import numpy as np
import pytest

from app.core import image_sets
from app.core.sentences import sentences_from_codes
from tests.pages.conftest import open_page, vocabulary

IMAGES = image_sets.tutorial_set()
SMALL_SET = image_sets.ImageSet(IMAGES.images[:2] + IMAGES.images[6:8], (1, 1, 0, 0))
IMG = (
    "img=4x3x3_1_1_1_0_0_0_0_0_0_0_0_0_1_1_1_0_0_0_0_0_0_0_0_0_0_0_0_1_0_0_0_0_0_0_0_1"
    "&lab=4_1_1_0_0"
)
PAD = "pad=3x3_1_0_0_0_1_0_0_0_1"
HP = "lr=0.5&mom=0.8&opt=adam&init=0.02&ep=300&seed=7"


def params(link: str) -> dict[str, str]:
    return dict(parse_qsl(link, keep_blank_values=True))


# Old text-page format (before one link format for every training page).
OLD_TEXT_3 = (
    "t=3x15_119_101_32_108_105_107_101_32_105_116_0_0_0_0_0_119_101_32_104_97_116_101_32_105_116"
    "_0_0_0_0_0_105_32_108_105_107_101_32_105_116_32_97_32_108_111_116&y=3_1_0_1"
    "&h=3_0.5_0.8_0.02&ep=300&sd=7&op=adam&ac=tanh&em=3&ch=3&pl=avg"
)
OLD_TEXT_4 = (
    "t=2x11_121_111_117_32_108_105_107_101_32_105_116_121_111_117_32_104_97_116_101_32_105_116"
    "&y=2_1_0&h=3_0.25_0.5_0.05&ep=400&sd=11&op=sgd&ac=relu&em=4&ch=4"
)
TEXT_HP_3 = {
    "learning_rate": 0.5, "momentum": 0.8, "init_scale": 0.02, "epochs": 300, "seed": 7,
    "optimizer": "adam", "activation": "tanh", "embedding_size": 3, "channels": 3, "pool": "avg",
}  # fmt: skip
TEXT_HP_4 = {
    "learning_rate": 0.25, "momentum": 0.5, "init_scale": 0.05, "epochs": 400, "seed": 11,
    "optimizer": "sgd", "activation": "relu", "embedding_size": 4, "channels": 4,
}  # fmt: skip
IMAGE_HP = {
    "learning_rate": 0.5, "momentum": 0.8, "optimizer": "adam", "init_scale": 0.02,
    "epochs": 300, "seed": 7,
}  # fmt: skip


def hp_keys(prefix: str, values: dict) -> dict[str, object]:
    return {f"{prefix}.tp.hp.{name}": value for name, value in values.items()}


# page path -> (link, expected session-state values of every control)
PAGES = {
    "pages/1_conv1d.py": (
        "x=2x3_1_2_3_4_5_6&k=2x3x1_1_0_-1_2_0_-2&s=2&p=same&d=2&v=5_1_2_3_4_5&w=2_1_-1&vs=3&vp=same",
        {
            "c1d.n": 2,
            "c1d.cin": 3,
            "c1d.kw": 2,
            "c1d.cout": 1,
            "c1d.s": 2,
            "c1d.p": "same",
            "c1d.d": 2,
            "c1d.vn": 5,
            "c1d.wk": 2,
            "c1d.vs": 3,
            "c1d.vp": "same",
        },  # fmt: skip
    ),
    "pages/2_conv2d.py": (
        "x=3x3x2_"
        + "_".join(str(i) for i in range(18))
        + "&k=2x2x2x1_1_2_3_4_5_6_7_8&sy=2&sx=3&p=same&d=2&ik=3x3_0_1_0_1_-4_1_0_1_0&is=2"
        "&ip=valid&act=relu",
        {
            "c2d.h": 3,
            "c2d.w": 3,
            "c2d.cin": 2,
            "c2d.kh": 2,
            "c2d.kw": 2,
            "c2d.cout": 1,
            "c2d.s.sy": 2,
            "c2d.s.sx": 3,
            "c2d.p": "same",
            "c2d.d": 2,
            "c2d.ikh": 3,
            "c2d.ikw": 3,
            "c2d.is": 2,
            "c2d.ip": "valid",
            "c2d.act": "relu",
        },  # fmt: skip
    ),
    "pages/3_cnn1d_pooled.py": (OLD_TEXT_3, hp_keys("s3", TEXT_HP_3)),
    "pages/4_cnn1d_flat.py": (OLD_TEXT_4, hp_keys("s4", TEXT_HP_4)),
    "pages/5_cnn2d_pooled.py": (
        f"{IMG}&{HP}&pool=avg&act=tanh&ch=3&{PAD}",
        hp_keys("s5", {**IMAGE_HP, "pool": "avg", "activation": "tanh", "channels": 3}),
    ),
    "pages/6_cnn2d_flat.py": (
        f"{IMG}&{HP}&act=tanh&ch=3&{PAD}",
        hp_keys("s6", {**IMAGE_HP, "activation": "tanh", "channels": 3}),
    ),
    "pages/7_cnn2d_two_layers.py": (
        f"{IMG}&{HP}&act=tanh&ch=3&ch2=4&{PAD}",
        hp_keys("s7", {**IMAGE_HP, "activation": "tanh", "channels": 3, "second_channels": 4}),
    ),
    "pages/8_cnn2d_downsampled.py": (
        "x=2x3x2_"
        + "_".join(str(i) for i in range(12))
        + f"&ky=1&kx=3&sy=1&sx=3&k=min&p=same&{IMG}&{HP}&pool=avg&mpy=1&mpx=2&msy=1&msx=1",
        {
            "p8.h": 2,
            "p8.w": 3,
            "p8.c": 2,
            "p8.ky": 1,
            "p8.kx": 3,
            "p8.s.sy": 1,
            "p8.s.sx": 3,
            "p8.kind": "min",
            "p8.p": "same",
            **hp_keys("p8m", {**IMAGE_HP, "pool": "avg"}),
            "p8m.py": 1,
            "p8m.px": 2,
            "p8m.sy": 1,
            "p8m.sx": 1,
        },  # fmt: skip
    ),
}


@pytest.mark.parametrize("path", sorted(PAGES))
def test_an_earlier_link_restores_every_control(path):
    link, expected = PAGES[path]
    at = open_page(path, params(link))
    assert not at.exception, [str(e.value)[:300] for e in at.exception]
    assert not at.warning, [w.value for w in at.warning]
    shown = {key: at.session_state[key] for key in expected}
    assert shown == pytest.approx(expected)


def test_an_earlier_link_restores_the_tensors_of_page_1():
    at = open_page("pages/1_conv1d.py", params(PAGES["pages/1_conv1d.py"][0]))
    np.testing.assert_array_equal(at.session_state["c1d.x.value"], [[1, 2, 3], [4, 5, 6]])
    kernel = np.array([[1, 0, -1], [2, 0, -2]], dtype=float)[:, :, None]
    np.testing.assert_array_equal(at.session_state["c1d.k.value"], kernel)
    np.testing.assert_array_equal(at.session_state["c1d.v.value"], [1, 2, 3, 4, 5])
    np.testing.assert_array_equal(at.session_state["c1d.w.value"], [1, -1])


def test_an_earlier_link_restores_the_picture_kernel_of_page_2():
    at = open_page("pages/2_conv2d.py", params(PAGES["pages/2_conv2d.py"][0]))
    kernel = at.session_state["c2d.ik.value"]
    assert kernel.shape == (3, 3, 1, 1)
    np.testing.assert_array_equal(kernel[:, :, 0, 0], [[0, 1, 0], [1, -4, 1], [0, 1, 0]])
    assert at.session_state["c2d.x.value"].shape == (3, 3, 2)


@pytest.mark.parametrize("page", ["5", "6", "7", "8"])
def test_an_earlier_link_restores_the_images_and_the_drawing(page):
    path = next(p for p in PAGES if p.startswith(f"pages/{page}_"))
    at = open_page(path, params(PAGES[path][0]))
    images = "p8.img" if page == "8" else f"s{page}.images"
    assert at.session_state[f"{images}.set"] == SMALL_SET
    if page != "8":
        assert at.session_state[f"s{page}.pad.image"] == ("#  ", " # ", "  #")


@pytest.mark.parametrize("page", ["3", "4"])
def test_an_old_text_link_restores_the_sentences(page):
    link = OLD_TEXT_3 if page == "3" else OLD_TEXT_4
    at = open_page(f"pages/{page}_cnn1d_{'pooled' if page == '3' else 'flat'}.py", params(link))
    codes = params(link)["t"]
    shape, *values = codes.split("_")
    rows = np.array(values, dtype=float).reshape(tuple(int(n) for n in shape.split("x")))
    labels = [int(v) for v in params(link)["y"].split("_")[1:]]
    assert at.session_state[f"s{page}.sentences"] == sentences_from_codes(rows)
    assert at.session_state[f"s{page}.labels"] == labels
    assert "you" in vocabulary(at) or "we" in vocabulary(at)


@pytest.mark.parametrize("page", ["3", "4"])
def test_an_old_text_link_is_written_back_in_todays_format(page):
    path = next(p for p in PAGES if p.startswith(f"pages/{page}_"))
    link, expected = PAGES[path]
    at = open_page(path, params(link))
    written = {k: at.query_params[k] for k in at.query_params}
    assert {"lr", "mom", "opt", "init", "ep", "seed", "act", "em", "ch"} <= set(written)
    assert not {"h", "sd", "op", "ac", "pl"} & set(written)
    assert (written["lr"], written["seed"], written["act"]) == (
        params(link)["h"].split("_")[1], params(link)["sd"], params(link)["ac"],
    )  # fmt: skip
    reopened = open_page(path, written)
    assert not reopened.warning and not reopened.exception
    assert {key: reopened.session_state[key] for key in expected} == pytest.approx(expected)
