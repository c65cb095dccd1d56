"""Every page the navigation lists loads through the real entry point and survives its widgets.

These tests iterate over ``app.core.navigation.PAGES``, so a page added there is covered with no new
test code. Page-specific behaviour is pinned down in ``tests/pages/``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app.core.navigation import PAGES, ROOT

TIMEOUT = 30


def open_page(spec) -> AppTest:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=TIMEOUT)
    at.run()
    at.switch_page(spec.path)
    at.run()
    return at


def page_text(at: AppTest) -> str:
    parts = [
        el.value
        for kind in ("title", "header", "subheader", "markdown", "caption")
        for el in at.get(kind)
    ]
    return "\n".join(str(p) for p in parts)


def test_every_page_file_exists_and_url_paths_are_distinct():
    assert len({p.url_path for p in PAGES}) == len(PAGES)
    assert len({p.path for p in PAGES}) == len(PAGES)
    for spec in PAGES:
        assert (ROOT / spec.path).is_file(), spec.path


def test_url_paths_match_streamlits_legacy_names_for_the_page_files():
    # A fresh server resolves the first deep link against the pages/ folder the legacy way
    # (app/server.py); with equal names that lookup finds the page instead of a "not found" dialog.
    for spec in PAGES:
        assert spec.url_path == re.sub(r"^[0-9]+_", "", Path(spec.path).stem)


def test_every_page_reroutes_legacy_deep_links_first():
    for spec in PAGES:
        assert "reroute_deep_link()" in (ROOT / spec.path).read_text(), spec.path


@pytest.mark.parametrize("spec", PAGES, ids=[p.url_path for p in PAGES])
def test_page_loads_without_exception_and_shows_its_key_text(spec):
    at = open_page(spec)
    assert not at.exception, [e.value for e in at.exception]
    assert spec.key_text in page_text(at)


@pytest.mark.parametrize("spec", PAGES, ids=[p.url_path for p in PAGES])
def test_every_choice_widget_can_be_driven_without_exception(spec):
    """Pick every option of every selectbox and radio, flip every toggle, nudge every number."""
    at = open_page(spec)

    def check(what):
        assert not at.exception, (what, [e.value for e in at.exception])

    for index in range(len(at.selectbox)):
        for option in range(min(len(at.selectbox[index].options), 6)):
            if index >= len(at.selectbox):  # a choice can hide later widgets
                break
            at.selectbox[index].select_index(option).run()
            check(("selectbox", index, option))
    for index in range(len(at.radio)):
        for option in list(at.radio[index].options)[:6]:
            if index >= len(at.radio):
                break
            at.radio[index].set_value(option).run()
            check(("radio", index, option))
    for kind in ("checkbox", "toggle"):
        for index in range(len(at.get(kind))):
            if index >= len(at.get(kind)):
                break
            widget = at.get(kind)[index]
            widget.set_value(not widget.value).run()
            check((kind, index))
    for index in range(len(at.number_input)):
        if index >= len(at.number_input):
            break
        at.number_input[index].increment().run()
        check(("number_input", index))
    for index in range(len(at.slider)):
        if index >= len(at.slider):
            break
        slider = at.slider[index]
        if isinstance(slider.value, int | float):
            slider.set_value(slider.min).run()
            check(("slider", index))


@pytest.mark.parametrize("spec", PAGES, ids=[p.url_path for p in PAGES])
def test_key_text_is_the_page_title(spec):
    at = open_page(spec)
    assert [t.value for t in at.title][:1] == [spec.key_text]


@pytest.mark.parametrize("spec", [s for s in PAGES if s.path >= "pages/1"], ids=lambda s: s.path)
def test_a_sections_title_is_its_menu_entry_without_the_number(spec):
    assert re.sub(r"^\d+\. ", "", spec.title) == spec.key_text
