"""Hostile text from links, learners and files never becomes live Markdown on the real pages.

Each case feeds a string that Markdown, GFM or KaTeX would render (a link, bold, italics,
strikethrough, a formula) and checks the Markdown source of every element that echoes it:
its syntax characters are escaped or inside a code span (``live_syntax``). The cases are those
of the adversarial review: page-1 link fields, page-3 link sentences, tokens with underscores in
the padding caption, the sentence table's error, "Try a sentence", and model files (their
``format``, ``activation`` and vocabulary, and the uploaded file's name). The same inputs are
checked in the rendered DOM by tests/browser/test_hostile_browser.py.
"""

from __future__ import annotations

import json

import pytest

from app.core.share import encode
from app.core.training_links import text_page_schema, text_page_state
from app.widgets.sentence_editor import editor_key
from cnndemo import data as data_mod
from cnndemo import persist
from cnndemo.models import build_model, default_hyperparameters
from tests.pages.conftest import (
    assert_no_live_markup,
    click_train,
    live_syntax,
    open_page,
    visible,
)

PAGE_1 = "pages/1_conv1d.py"
PAGE_3 = "pages/3_cnn1d_pooled.py"
PAGE_4 = "pages/4_cnn1d_flat.py"
LINK = "[PWN](http://e.vil)"
HOSTILE = [LINK, "**PWN**", "$PWN$", "~~PWN~~", "<b>PWN</b>", "`PWN", "*PWN*", "[PWN]"]
VOCABULARY = data_mod.text_data().vocabulary
VALID_PAGE_1 = {"x": "2x2_1_2_3_4", "k": "1x3x1_1_1_1", "s": "1", "p": "valid", "d": "1",
                "v": "1_5", "w": "1_1", "vs": "1", "vp": "valid"}  # fmt: skip


def test_the_checker_finds_live_markup():
    assert live_syntax(f"got {LINK}") and live_syntax("**PWN**") and live_syntax("$PWN$")
    assert not live_syntax("got “\\_\\_PWN\\_\\_”") and not live_syntax("`**PWN**`")
    assert live_syntax("got www\\.PWN\\.com") and live_syntax("a\\@PWN\\.com")


@pytest.mark.parametrize(
    ("field", "value", "echo"),
    [("p", "__PWN__", "__PWN__"), ("vp", "~~PWN~~", "~~PWN~~"), ("p", LINK, LINK),
     ("s", "$PWN$", "$PWN$"), ("x", "2x2_1_**PWN**_3_4", "**PWN**"),
     ("vp", "www.PWN.com", "www.PWN.com"), ("p", "a@PWN.com", "a@PWN.com")],
)  # fmt: skip
def test_page_1_link_values_are_quoted_as_plain_text(field, value, echo):
    at = open_page(PAGE_1, {**VALID_PAGE_1, field: value})
    (warning,) = assert_no_live_markup(at)
    assert "could not be used" in warning and echo in visible(warning)


def text_link(sentences, labels, pool=True):
    hp = default_hyperparameters(3 if pool else 4)
    state = text_page_state(sentences, labels, hp, pool=pool)
    return encode(state, text_page_schema(pool))


def test_page_3_link_sentences_are_quoted_as_plain_text():
    sentences = [f"i {LINK} it", "**PWN** it is", "i $PWN$ it", "i like it"]
    at = open_page(PAGE_3, text_link(sentences, [1, 0, 1, 0]))
    (warning,) = assert_no_live_markup(at)
    shown = visible(warning)
    assert "could not be used" in warning
    assert all(f"“{word}”" in shown for word in (LINK, "**PWN**", "$PWN$"))


def edit_sentences(at, rows):
    at.session_state[editor_key("s3")] = {
        "edited_rows": {i: {"sentence": text} for i, text in enumerate(rows)},
        "added_rows": [], "deleted_rows": [],
    }  # fmt: skip
    return at.run()


def test_tokens_with_underscores_are_not_italic_in_the_padding_caption_or_the_results():
    at = open_page(PAGE_3)
    edit_sentences(at, ["i __PWN__ it", "i hate __PWN__ it"])
    echoes = assert_no_live_markup(at)
    assert any("padded with 1 × <PAD>" in e and "\\_\\_PWN\\_\\_" in e for e in echoes)
    click_train(at, "s3")
    # the predictions list and the winner table quote the sentences in code spans
    echoes = assert_no_live_markup(at, shown=3)
    assert any("`i __PWN__ it <PAD>`" in e for e in echoes)


@pytest.mark.parametrize("hostile", HOSTILE)
def test_the_sentence_table_error_quotes_the_word_as_plain_text(hostile):
    at = edit_sentences(open_page(PAGE_3), [f"i {hostile} it"])
    (error,) = assert_no_live_markup(at)
    assert "needs fixing" in error


@pytest.mark.parametrize("page", [PAGE_3, PAGE_4])
def test_try_a_sentence_echoes_the_typed_words_as_plain_text(page):
    prefix = "s3" if page == PAGE_3 else "s4"
    at = click_train(open_page(page), prefix)
    at.text_input(key=f"{prefix}.try").set_value(f"i {LINK} **PWN** $PWN$").run()
    (error,) = assert_no_live_markup(at)
    assert "cannot read this sentence" in error and "unknown word" in visible(error)


def model_file(**changes) -> bytes:
    """A valid section 3 model file for the tutorial's sentences, with fields replaced."""
    data = data_mod.text_data()
    model = build_model(
        3, vocabulary=data.vocabulary, input_size=data.inputs.shape[1:], **default_hyperparameters(3)
    )  # fmt: skip
    meta = json.loads(persist.dumps(model))
    for key, value in changes.items():
        if key in meta["hyperparameters"]:
            meta["hyperparameters"][key] = value
        else:
            meta[key] = value
    return json.dumps(meta).encode()


def upload(at, name: str, content: bytes):
    at.get("file_uploader")[0].upload(name, content, "application/json")
    return at.run()


@pytest.mark.parametrize(
    "content",
    [
        model_file(format=LINK),
        model_file(format="**PWN**" * 200),  # long: cut, not echoed in full
        model_file(activation=LINK),
        model_file(activation="$PWN$"),
        model_file(vocabulary=["$PWN$", "**PWN**", LINK, *VOCABULARY[3:]]),
        model_file(vocabulary=None, input_size=[f"__PWN__{LINK}"]),
    ],
    ids=[
        "format",
        "long format",
        "activation link",
        "activation formula",
        "vocabulary",
        "input size",
    ],  # fmt: skip
)
def test_model_file_fields_are_echoed_as_plain_text_and_capped(content):
    at = upload(open_page(PAGE_3), "model.json", content)
    (error,) = assert_no_live_markup(at)
    assert "Could not use this model file" in error and len(error) < 1000


def test_the_uploaded_file_name_is_shown_as_plain_text():
    at = upload(open_page(PAGE_3), f"**PWN** {LINK} $PWN$.json", model_file())
    echoes = assert_no_live_markup(at)
    assert any(e.startswith("Loaded model `") for e in echoes)
