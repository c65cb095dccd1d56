"""Text from learners, links and files, made safe to show inside Markdown.

Streamlit renders ``st.markdown``, captions, alerts and widget labels as Markdown (with KaTeX
between dollar signs, and HTML only when ``unsafe_allow_html`` is set, which this app never
does). Any text a learner typed, a share link carried or a file held must therefore be shown as
plain text: a sentence ``[PWN](http://e.vil)`` must not become a live link, ``**PWN**`` not bold,
``$PWN$`` not a formula, ``__init__`` not italic. Two ways, one helper each:

- :func:`text` escapes every character Markdown (or KaTeX) could read as syntax, so the text
  reads exactly as typed inside running prose;
- :func:`code` puts it in an inline code span (monospace, nothing inside is interpreted), with
  a fence longer than any run of backticks in the text.

Both cut very long text (``limit`` characters, then "…") and replace control characters and
line breaks, so one field cannot flood or restructure a message.
"""

from __future__ import annotations

import re

__all__ = ["code", "plain", "text"]

# Every ASCII punctuation character CommonMark lets a backslash escape, plus nothing else:
# escaping a letter or digit would show the backslash.
_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>$&:\"'=^@%;,/?])")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")


def plain(value: object, limit: int = 200) -> str:
    """``value`` as one line of at most ``limit`` characters (control characters as spaces)."""
    line = _CONTROL.sub(" ", str(value))
    return line if len(line) <= limit else line[: limit - 1] + "…"


def text(value: object, limit: int = 200) -> str:
    """``value`` escaped for Markdown prose: every syntax character shown literally."""
    return _SPECIAL.sub(r"\\\1", plain(value, limit))


def code(value: object, limit: int = 200) -> str:
    """``value`` as an inline code span that nothing inside can break out of."""
    line = plain(value, limit)
    longest = max((len(run) for run in re.findall(r"`+", line)), default=0)
    fence = "`" * (longest + 1)
    # A space pads a span that starts or ends with a backtick (CommonMark strips one each side).
    padded = f" {line} " if line.startswith("`") or line.endswith("`") or not line.strip() else line
    return f"{fence}{padded}{fence}"
