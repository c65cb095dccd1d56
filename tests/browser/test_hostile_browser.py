"""Hostile links, typed text and model files in the real app: none becomes live markup.

The page tests (tests/pages/test_hostile_text.py) check the Markdown source the pages send;
this checks what Chromium makes of it. Every hostile string holds the marker PWN; after each
input the DOM of the page must hold no element that Markdown, GFM or KaTeX would make from it
(``<strong>``, ``<em>``, ``<del>``, a link or image pointing at e.vil, a KaTeX formula, a
heading) with the marker inside, while the marker is on screen, its syntax characters shown as
typed and no backslash of the escaping visible. Cases: page 1's link fields (``p``, ``vp``),
page 3's link sentences (refused ones in the warning, valid ones with underscores in the
padding caption), "Try a sentence" after training, and a model file upload (a hostile
``format`` field; a valid model under a hostile file name).
"""

from __future__ import annotations

import json
import re
from urllib.parse import quote

import pytest

from app.core.markup import WORD_JOINER
from app.core.share import encode
from app.core.training_links import text_page_schema, text_page_state
from cnndemo import data as data_mod
from cnndemo import persist
from cnndemo.models import build_model, default_hyperparameters
from devtools.live import wait_for_rerun
from tests.browser.conftest import playwright_or_skip

pytestmark = pytest.mark.browser
sync_api = playwright_or_skip()

LINK = "[PWN](http://e.vil)"
PAGE_1 = {"x": "2x2_1_2_3_4", "k": "1x3x1_1_1_1", "s": "1", "p": "valid", "d": "1",
          "v": "1_5", "w": "1_1", "vs": "1", "vp": "valid"}  # fmt: skip

# Elements Markdown (bold, italics, strikethrough, links, images, headings) or KaTeX makes,
# holding the marker or pointing at the hostile address; the visible text of the page.
LIVE_MARKUP = """(marker) => {
    const root = document.querySelector('[data-testid="stMain"]') || document.body;
    const made = root.querySelectorAll(
        'strong, b, em, i, del, s, a, img, .katex, .katex-display, h1, h2, h3, h4, h5, h6'
    );
    return [...made].filter((el) => (el.textContent || '').includes(marker)
        || /e\\.vil/.test(el.getAttribute('href') || '')
        || /e\\.vil/.test(el.getAttribute('src') || '')).map((el) => el.outerHTML.slice(0, 300));
}"""
SHOWN_TEXT = (
    """() => (document.querySelector('[data-testid="stMain"]') || document.body).innerText"""
)


@pytest.fixture
def page(browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    yield page
    page.close()


def open_link(page, server: str, route: str, params: dict[str, str]) -> None:
    query = "&".join(f"{k}={quote(v, safe='')}" for k, v in params.items())
    page.goto(f"{server}/{route}?{query}", wait_until="domcontentloaded")
    wait_for_rerun(page)


def assert_shown_as_typed(page, *typed: str) -> None:
    """Each ``typed`` string is on screen exactly as typed (no escaping backslash shows; the
    word joiners that keep addresses from becoming links are invisible), and no element made
    from it is live markup."""
    wait_for_rerun(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.evaluate(LIVE_MARKUP, "PWN") == []
    shown = page.evaluate(SHOWN_TEXT).replace(WORD_JOINER, "")
    for text in typed:
        assert text in shown, text
    lines = [line for line in shown.splitlines() if "PWN" in line]
    assert not [line for line in lines if "\\" in line], "an escaping backslash shows"


@pytest.mark.parametrize(
    ("field", "value"),
    [("p", "__PWN__"), ("vp", "~~PWN~~"), ("p", LINK), ("vp", "www.PWN.com"), ("p", "a@PWN.com")],
)
def test_page_1_link_values_stay_plain_text(server, page, field, value):
    open_link(page, server, "conv1d", {**PAGE_1, field: value})
    sync_api.expect(page.get_by_text("could not be used").first).to_be_visible(timeout=20_000)
    assert_shown_as_typed(page, value)


def text_link(sentences: list[str], labels: list[int]) -> dict[str, str]:
    state = text_page_state(sentences, labels, default_hyperparameters(3), pool=True)
    return encode(state, text_page_schema(pool=True))


def test_page_3_link_sentences_stay_plain_text(server, page):
    sentences = [f"i {LINK} it", "**PWN** it is", "i $PWN$ it", "i like it"]
    open_link(page, server, "cnn1d_pooled", text_link(sentences, [1, 0, 1, 0]))
    sync_api.expect(page.get_by_text("could not be used").first).to_be_visible(timeout=20_000)
    assert_shown_as_typed(page, LINK, "**PWN**", "$PWN$")


def test_underscores_in_valid_tokens_stay_plain_text_in_the_caption_and_results(server, page):
    open_link(
        page, server, "cnn1d_pooled", text_link(["i __PWN__ it", "i hate __PWN__ it"], [1, 0])
    )
    assert_shown_as_typed(page, "i __PWN__ it” padded with 1 × <PAD>")
    page.get_by_role("button", name=re.compile(r"Train$")).first.click()
    sync_api.expect(page.get_by_text(re.compile(r"Trained \d+ epochs in"))).to_be_visible(
        timeout=60_000
    )
    assert_shown_as_typed(page, "i __PWN__ it <PAD>")
    # "Try a sentence": the engine's message quotes the typed words and the vocabulary
    box = page.get_by_label("your sentence")
    box.fill(f"i {LINK} **PWN** $PWN$")
    box.press("Enter")
    wait_for_rerun(page)
    sync_api.expect(page.get_by_text("cannot read this sentence").first).to_be_visible()
    assert_shown_as_typed(page, f"unknown word '{LINK}'", "**PWN** $PWN$")


def model_file(**meta_changes) -> bytes:
    data = data_mod.text_data()
    hp = default_hyperparameters(3)
    model = build_model(3, vocabulary=data.vocabulary, input_size=data.inputs.shape[1:], **hp)
    meta = json.loads(persist.dumps(model))
    meta.update(meta_changes)
    return json.dumps(meta).encode()


def upload(page, name: str, content: bytes) -> None:
    chooser = page.locator('[data-testid="stFileUploaderDropzoneInput"]').first
    chooser.set_input_files({"name": name, "mimeType": "application/json", "buffer": content})
    wait_for_rerun(page)


def test_model_files_stay_plain_text(server, page):
    page.goto(f"{server}/cnn1d_pooled", wait_until="domcontentloaded")
    wait_for_rerun(page)
    upload(page, "bad.json", model_file(format=f"**PWN** {LINK} $PWN$"))
    sync_api.expect(page.get_by_text("Could not use this model file").first).to_be_visible(
        timeout=20_000
    )
    assert_shown_as_typed(page, f"'**PWN** {LINK} $PWN$'")
    name = f"**PWN** {LINK} $PWN$.json"
    upload(page, name, model_file())
    sync_api.expect(page.get_by_text("Loaded model").first).to_be_visible(timeout=20_000)
    assert_shown_as_typed(page, name)
