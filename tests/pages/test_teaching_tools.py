""" "Get the code" and "Make an exercise from this page" on the real pages, and the share box's
named Copy button: the code shown is the page's setup and runs; a teacher link made with the
widgets opens with its task and check; a tampered one is refused without echo."""

from __future__ import annotations

import subprocess
import sys
from urllib.parse import parse_qsl, urlsplit

import pytest
from streamlit.testing.v1 import AppTest

from app.core.navigation import SECTIONS
from tests.pages.conftest import (
    after_training,
    open_page,
    open_teaching,
    shown_links,
    texts,
    visible,
)

SECTION_PATHS = [spec.path for spec in SECTIONS[:9]]


def code_blocks(at: AppTest) -> list[str]:
    return [el.value for el in at.get("code")]


def opened(path: str) -> AppTest:
    """``path`` with "Get the code" and the teacher's expander open."""
    return open_teaching(open_page(path))


@pytest.mark.parametrize("path", SECTION_PATHS)
def test_every_section_page_has_the_code_and_a_teacher_expander(path: str):
    at = opened(path)
    assert not at.exception
    labels = [e.label for e in at.get("expander")]
    assert "Get the code" in labels and "Make an exercise from this page" in labels
    assert any("import numpy as np" in block for block in code_blocks(at))
    names = [b.proto.label for b in at.get("download_button")]
    assert "Download the NumPy script" in names and "Download the PyTorch script" in names


def test_the_code_shown_runs_and_prints_the_page_output(tmp_path):
    at = opened("pages/1_conv1d.py")
    script = next(b for b in code_blocks(at) if "import numpy as np" in b)
    path = tmp_path / "page1.py"
    path.write_text(script)
    done = subprocess.run([sys.executable, str(path)], capture_output=True, text=True,
                          timeout=300, check=True)  # fmt: skip
    assert (
        "[[2360.0, 2480.0], [3485.0, 3680.0]]" in done.stdout.replace(" ", "").replace(",", ", ")
        or "2360" in done.stdout
    )


def test_page_9_code_prints_the_open_tabs_sizes(tmp_path):
    at = opened("pages/9_conv_arithmetic.py")
    at.slider(key="c9.s").set_value(1).run()
    script = next(b for b in code_blocks(at) if "import numpy as np" in b)
    path = tmp_path / "page9.py"
    path.write_text(script)
    done = subprocess.run([sys.executable, str(path)], capture_output=True, text=True,
                          timeout=300, check=True)  # fmt: skip
    # n 5, k 3, stride 1: VALID 3, SAME 5, explicit p = 1 gives 5, full 7 (the page's table).
    assert "sizes = {'valid': 3, 'same': 5, 'explicit': 5, 'full': 7}" in done.stdout
    assert "output size = 5" in done.stdout


def test_a_page_9_teacher_link_checks_the_output_size():
    at = opened("pages/9_conv_arithmetic.py")
    at.text_area(key="conv-arithmetic.teach.task").set_value("Make the output 2 cells.").run()
    # The size tab's numbers only stand for a size: its one check is the output's shape.
    assert at.selectbox(key="conv-arithmetic.teach.kind").options == ["the output has a shape"]
    at.text_input(key="conv-arithmetic.teach.shape").set_value("2").run()
    assert not at.exception
    params = dict(parse_qsl(urlsplit(share_url(at)).query))
    assert params["qk"] == "output_shape" and params["tab"] == "size"
    learner = open_page("pages/9_conv_arithmetic.py", params)
    assert not learner.exception
    assert "Make the output 2 cells." in visible(texts(learner))
    learner.button(key="teach.check").click().run()
    assert "not 2" in visible(learner.error[0].value)
    learner.slider(key="c9.s").set_value(3).run()  # (5 + 2 - 3) // 3 + 1 = 2
    learner.button(key="teach.check").click().run()
    assert learner.success, [e.value for e in learner.error]


def test_the_code_of_a_trained_model_holds_its_weights():
    at = open_teaching(after_training(open_page("pages/3_cnn1d_pooled.py"), "s3"))
    script = next(b for b in code_blocks(at) if "import numpy as np" in b)
    assert "trained model's weights" in texts(at)
    assert "probabilities" in script


def share_url(at: AppTest, marker: str = "qt=") -> str:
    return next(link for link in shown_links(at) if marker in link)


def test_a_teacher_link_round_trips_and_is_checked():
    at = opened("pages/2_conv2d.py")
    at.text_area(key="conv2d.teach.task").set_value("Make the output 2 x 2 <b>now</b>").run()
    at.selectbox(key="conv2d.teach.kind").set_value("the output has a shape").run()
    at.text_input(key="conv2d.teach.shape").set_value("2, 2, 1").run()
    assert not at.exception
    url = share_url(at)
    params = dict(parse_qsl(urlsplit(url).query))
    assert params["qk"] == "output_shape" and params["qa"] == "2_2_1"
    learner = open_page("pages/2_conv2d.py", params)
    assert not learner.exception
    shown = visible(texts(learner))
    assert "Exercise from your teacher" in shown and "Make the output 2 x 2 <b>now</b>" in shown
    assert "the output has shape 2 x 2 x 1" in shown
    learner.button(key="teach.check").click().run()
    assert "not 2 x 2 x 1" in visible(learner.error[0].value)
    learner.slider(key="c2d.s.sx").set_value(2).run()  # (2, 3, 1) -> (2, 2, 1)
    learner.button(key="teach.check").click().run()
    assert learner.success, [e.value for e in learner.error]


def test_hidden_settings_of_a_teacher_link_are_not_drawn():
    at = opened("pages/2_conv2d.py")
    at.text_area(key="conv2d.teach.task").set_value("Strides only.").run()
    at.multiselect(key="conv2d.teach.shown").set_value(["sy", "sx"]).run()
    params = dict(parse_qsl(urlsplit(share_url(at)).query))
    assert params["qs"] == "sy.sx"
    learner = open_page("pages/2_conv2d.py", params)
    keys = {w.key for kind in ("number_input", "slider") for w in learner.get(kind)}
    assert "c2d.s.sy" in keys and "c2d.d" not in keys


@pytest.mark.parametrize(
    "change",
    [{"qk": "explode"}, {"qa": "1_2_3_4_5_6"}, {"qt": "%%%<script>PWN"}, {"qs": "PWN.zz"},
     {"qb": "PWN"}],
)  # fmt: skip
def test_a_tampered_teacher_link_is_refused_without_echo(change: dict):
    at = opened("pages/2_conv2d.py")
    at.text_area(key="conv2d.teach.task").set_value("Any task.").run()
    params = dict(parse_qsl(urlsplit(share_url(at)).query)) | change
    learner = open_page("pages/2_conv2d.py", params)
    assert not learner.exception
    warning = " ".join(w.value for w in learner.warning)
    assert "damaged or was changed by hand" in warning and "PWN" not in warning
    assert "teach.task" not in learner.session_state


def test_the_share_box_has_a_named_copy_button():
    at = open_page("pages/1_conv1d.py")
    frames = [el for el in at.get("iframe")] or [el for el in at if "Copy link" in str(el)]
    assert "Copy this link (the Copy link button below it)" in texts(at)
    assert frames


def test_closed_teaching_expanders_send_nothing_and_open_ones_their_contents():
    at = open_page("pages/1_conv1d.py")
    assert not at.exception
    labels = [e.label for e in at.get("expander")]
    assert "Get the code" in labels and "Make an exercise from this page" in labels
    # Closed (as a page opens): no script, no download button, no teacher widget or link.
    assert not any("import numpy as np" in block for block in code_blocks(at))
    assert not at.get("download_button")
    assert not [w for w in at.text_area if w.key == "conv1d.teach.task"]
    assert not [link for link in shown_links(at) if "qt=" in link]
    open_teaching(at)
    assert any("import numpy as np" in block for block in code_blocks(at))
    assert len(at.get("download_button")) == 2
    at.text_area(key="conv1d.teach.task").set_value("Find the stride.").run()
    assert "qt=" in share_url(at)


def test_what_the_teacher_typed_survives_closing_and_reopening_the_expander():
    from app.widgets.teaching import teacher_key

    at = opened("pages/2_conv2d.py")
    at.text_area(key="conv2d.teach.task").set_value("Strides only.").run()
    at.multiselect(key="conv2d.teach.shown").set_value(["sy", "sx"]).run()
    at.selectbox(key="conv2d.teach.kind").set_value("the output has a shape").run()
    at.text_input(key="conv2d.teach.shape").set_value("2, 2, 1").run()
    link = share_url(at)
    at.session_state[teacher_key("conv2d")] = False
    at.run().run()  # two runs closed: Streamlit drops an undrawn widget's value after one
    assert not [w for w in at.text_area if w.key == "conv2d.teach.task"]
    at.session_state[teacher_key("conv2d")] = True
    at.run()
    assert not at.exception
    task, shape = at.text_area(key="conv2d.teach.task"), at.text_input(key="conv2d.teach.shape")
    assert task.value == "Strides only."
    assert at.multiselect(key="conv2d.teach.shown").value == ["sy", "sx"]
    assert shape.value == "2, 2, 1"
    # What the browser shows: a remounted widget shows its default unless the value is sent.
    assert (task.proto.set_value, task.proto.value) == (True, "Strides only.")
    assert (shape.proto.set_value, shape.proto.value) == (True, "2, 2, 1")
    assert share_url(at) == link


def test_the_cell_check_survives_a_switch_to_the_shape_check_and_back():
    # Page 1: the cell and value boxes are not drawn while "output shape" is the check kind.
    at = opened("pages/1_conv1d.py")
    at.text_area(key="conv1d.teach.task").set_value("Make y[1, 0] 7.5.").run()
    at.text_input(key="conv1d.teach.cell").set_value("1, 0").run()
    at.number_input(key="conv1d.teach.value").set_value(7.5).run()
    link = share_url(at)
    at.selectbox(key="conv1d.teach.kind").set_value("the output has a shape").run()
    at.run()  # two runs undrawn: Streamlit drops an undrawn widget's value after one
    assert not [w for w in at.number_input if w.key == "conv1d.teach.value"]
    at.selectbox(key="conv1d.teach.kind").set_value("an output cell equals a value").run()
    assert not at.exception
    cell, value = at.text_input(key="conv1d.teach.cell"), at.number_input(key="conv1d.teach.value")
    assert (cell.value, value.value) == ("1, 0", 7.5)
    # What the browser shows: a remounted widget shows its default unless the value is sent.
    assert (cell.proto.set_value, cell.proto.value) == (True, "1, 0")
    assert (value.proto.set_value, value.proto.value) == (True, 7.5)
    assert share_url(at) == link


def test_the_teachers_task_survives_a_switch_to_the_gradients_tab_and_back():
    # Page 1: on the Gradients tab the open expander draws no teacher widget (no check reads it).
    at = opened("pages/1_conv1d.py")
    at.text_area(key="conv1d.teach.task").set_value("Find the stride.").run()
    link = share_url(at)
    at.session_state["c1d.tab"] = "Gradients"
    at.run().run()  # two runs undrawn, as above
    assert "No check reads this tab" in texts(at)
    assert not [w for w in at.text_area if w.key == "conv1d.teach.task"]
    at.session_state["c1d.tab"] = "Sequences of vectors"
    at.run()
    assert not at.exception
    task = at.text_area(key="conv1d.teach.task")
    assert (task.value, task.proto.set_value, task.proto.value) == (
        "Find the stride.", True, "Find the stride."
    )  # fmt: skip
    assert share_url(at) == link


@pytest.mark.parametrize("path", ["pages/1_conv1d.py", "pages/3_cnn1d_pooled.py"])
def test_the_share_link_shown_is_the_one_written_into_the_address_bar(path: str):
    at = open_page(path)
    assert not at.exception
    assert not at.get("code")  # no code box (and its highlighter) at load
    shown = [link for link in shown_links(at) if "qt=" not in link]
    assert len(shown) == 1
    written = {k: at.query_params[k] for k in at.query_params}
    written = {k: v[0] if isinstance(v, list) else v for k, v in written.items()}
    assert dict(parse_qsl(urlsplit(shown[0]).query, keep_blank_values=True)) == written
    assert shown[0].split("?", 1)[1] == "&".join(f"{k}={v}" for k, v in written.items())
