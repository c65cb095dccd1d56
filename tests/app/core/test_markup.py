"""app.core.markup: learner, link and file text shown in Markdown stays plain text."""

from __future__ import annotations

import re

import pytest

from app.core import markup

HOSTILE = [
    "[PWN](http://e.vil)",
    "**PWN**",
    "~~PWN~~",
    "$PWN$",
    "__PWN__",
    "<b>PWN</b>",
    "# heading",
    "`code` and ``more``",
    "| a | b |",
    "![x](http://e.vil/x.png)",
    "line\nbreak\r\x00",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_text_escapes_every_syntax_character(value):
    escaped = markup.text(value)
    # Every punctuation character is preceded by a backslash (and backslashes are doubled).
    unescaped = re.findall(r"(?<!\\)(?:\\\\)*[`*_\[\]()#$<>|~!]", escaped.replace("\\\\", ""))
    assert not unescaped, escaped
    assert "\n" not in escaped and "\x00" not in escaped


@pytest.mark.parametrize("value", HOSTILE)
def test_code_spans_cannot_be_closed_from_inside(value):
    span = markup.code(value)
    fence = re.match(r"`+", span).group()
    inner = span[len(fence) : -len(fence)]
    assert span.endswith(fence) and fence not in inner
    assert "\n" not in span


def test_long_text_is_cut_and_plain_keeps_words():
    assert markup.plain("a" * 500, limit=10) == "a" * 9 + "…"
    assert markup.text("i don't like it") == "i don\\'t like it"
    assert markup.code("i like it <PAD>") == "`i like it <PAD>`"
    assert markup.code("`tick`") == "`` `tick` ``"


@pytest.mark.parametrize("value", [*HOSTILE, "a|b", "a\\|**PWN**", "a\\\\|b"])
def test_table_cells_hold_no_pipe_that_ends_the_cell(value):
    row = f"| {markup.cell(value)} | next |"
    # GFM splits a row at a pipe preceded by an even number of backslashes (none escaping it).
    separators = re.findall(r"(?<!\\)(?:\\\\)*\|", row)
    assert len(separators) == 3, row


def test_messages_are_escaped_whole_with_room_for_a_sentence():
    error = "unknown word '**PWN**' in '[a](http://e.vil)'; the model only knows " + "w " * 300
    shown = markup.message(error)
    assert "\\*\\*PWN\\*\\*" in shown and "\\[a\\]\\(http" in shown
    assert len(shown) > 300 and shown.endswith("…")


@pytest.mark.parametrize(
    "value",
    ["http://e.vil", "HTTPS://e.vil/x", "www.e.vil", "WWW.e.vil", "a@e.vil", "mailto:a@e.vil"],
)
def test_bare_addresses_do_not_become_links(value):
    # GFM links bare addresses in the text left once escapes are resolved (remark-gfm's
    # autolink literal patterns), so the escapes alone do not stop it.
    resolved = re.sub(r"\\(.)", r"\1", markup.text(f"see {value} now"))
    assert not re.search(r"(?i)https?://|www\.|mailto:\w", resolved)
    assert not re.search(r"[-.+\w]+@[-\w]+(?:\.[-\w]+)+", resolved)
    assert resolved.replace(markup.WORD_JOINER, "") == f"see {value} now"
