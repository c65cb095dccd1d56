"""Text from learners, links and files, made safe to show inside Markdown.

Streamlit renders ``st.markdown``, captions, alerts and widget labels as Markdown (with KaTeX
between dollar signs, and HTML only when ``unsafe_allow_html`` is set, which this app never
does). Any text a learner typed, a share link carried or a file held must therefore be shown as
plain text: a sentence ``[PWN](http://e.vil)`` must not become a live link, ``**PWN**`` not bold,
``$PWN$`` not a formula, ``__init__`` not italic. Two ways, one helper each:

- :func:`text` escapes every character Markdown (or KaTeX) could read as syntax, so the text
  reads exactly as typed inside running prose (a bare address gets an invisible word joiner:
  GFM links ``http://…`` and ``www.…`` whatever their escapes);
- :func:`code` puts it in an inline code span (monospace, nothing inside is interpreted), with
  a fence longer than any run of backticks in the text; :func:`cell` does the same for a cell of
  a Markdown table, where even a code span ends at an unescaped ``|``.

All cut very long text (``limit`` characters, then "…") and replace control characters and
line breaks, so one field cannot flood or restructure a message. :func:`message` is
:func:`text` with room for a whole sentence: for messages of the engine and the loaders (plain
text that may quote a file, a link or a typed sentence), shown in an alert.

Where to escape: a message built in ``app.core`` escapes the learner's, link's or file's part
where it interpolates it (so the message is ready for Markdown); a message from the engine
(``cnndemo``, which knows nothing of Markdown) is escaped whole where the page shows it.
"""

from __future__ import annotations

import re

__all__ = ["MESSAGE_LIMIT", "WORD_JOINER", "cell", "code", "message", "plain", "text"]

# Every ASCII punctuation character CommonMark lets a backslash escape, plus nothing else:
# escaping a letter or digit would show the backslash.
_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>$&:\"'=^@%;,/?])")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")

# GFM makes links of bare addresses (http://…, www.…, mailto:…, a@b.c) after escapes are
# resolved, so a backslash cannot stop it; an invisible word joiner after the colon, the "www"
# or the "@" breaks the pattern and reads the same.
_AUTOLINK = re.compile(r"[:@]|(?i:www)(?=\.)")
WORD_JOINER = "\u2060"
_PIPE = re.compile(r"(\\*)\|")

MESSAGE_LIMIT = 400
"""Characters of a message quoted by :func:`message` (a vocabulary list or a long file field
is cut there)."""


def plain(value: object, limit: int = 200) -> str:
    """``value`` as one line of at most ``limit`` characters (control characters as spaces)."""
    line = _CONTROL.sub(" ", str(value))
    return line if len(line) <= limit else line[: limit - 1] + "…"


def text(value: object, limit: int = 200) -> str:
    """``value`` escaped for Markdown prose: every syntax character shown literally, and no
    address or e-mail that GFM would turn into a link by itself."""
    line = _AUTOLINK.sub(lambda m: m.group() + WORD_JOINER, plain(value, limit))
    return _SPECIAL.sub(r"\\\1", line)


def code(value: object, limit: int = 200) -> str:
    """``value`` as an inline code span that nothing inside can break out of."""
    line = plain(value, limit)
    longest = max((len(run) for run in re.findall(r"`+", line)), default=0)
    fence = "`" * (longest + 1)
    # A space pads a span that starts or ends with a backtick (CommonMark strips one each side).
    padded = f" {line} " if line.startswith("`") or line.endswith("`") or not line.strip() else line
    return f"{fence}{padded}{fence}"


def cell(value: object, limit: int = 200) -> str:
    """``value`` as a code span inside a Markdown table cell (its ``|`` cannot end the cell)."""
    # A table row is split at every pipe no backslash escapes, even inside a code span, and
    # "\|" then reads as "|". Backslashes right before a pipe are doubled first, so they cannot
    # escape that escape (they show doubled; the app's sentences hold none).
    return _PIPE.sub(lambda m: m.group(1) * 2 + "\\|", code(value, limit))


def message(value: object) -> str:
    """A plain-text message (an engine or loader error, which may quote a file, a link or a
    typed sentence) escaped whole for an alert, cut at ``MESSAGE_LIMIT`` characters."""
    return text(value, MESSAGE_LIMIT)
