"""app.widgets.controls: any declaration drawn as the widget it names, bounds from the declaration."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def controls_script():
    from dataclasses import replace

    import streamlit as st

    from app.core.conv_controls import padding_control, stride_control
    from app.widgets.controls import control_input

    stride = stride_control("w.s", "s")
    kind = st.session_state.get("widget", "number")
    value = control_input(replace(stride, widget=kind))
    padding = control_input(padding_control("w.p", "p"))
    st.markdown(f"stride={value!r} padding={padding}")


def run(**state) -> AppTest:
    at = AppTest.from_function(controls_script, default_timeout=30)
    for key, value in state.items():
        at.session_state[key] = value
    return at.run()


def test_a_number_box_takes_its_bounds_and_words_from_the_declaration():
    at = run()
    box = at.number_input(key="w.s")
    assert (box.min, box.max, box.value, box.label) == (1, 8, 1, "stride")
    assert at.radio(key="w.p").options == ["VALID (no padding)", "SAME (zero padding)"]
    assert "stride=1 padding=valid" in at.markdown[0].value


def test_switching_to_a_slider_is_one_word():
    at = run(widget="slider")
    slider = at.slider(key="w.s")
    assert (slider.min, slider.max, slider.value) == (1, 8, 1)
    assert not at.get("number_input")


def test_a_stored_value_out_of_bounds_is_clamped_before_drawing():
    at = run(**{"w.s": 99, "w.p": "median"})
    assert not at.exception
    assert at.number_input(key="w.s").value == 8
    assert at.radio(key="w.p").value == "valid"
    assert "stride=8 padding=valid" in at.markdown[0].value
