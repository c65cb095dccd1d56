"""Small schematic pictures of each section for the home page, as SVG text (no Streamlit).

Each picture is built from the same few shapes: grids of cells (an input, a kernel window, an
output), arrows between them and short labels. Colours are Okabe-Ito, safe for colour-blind
readers. The SVG is made only from our own constants, never from user input.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html import escape, unescape

WIDTH, HEIGHT = 240, 110
CELL = 14
INK = "#1b1f24"
GRID = "#9aa5b1"
FILL = "#f2f5f9"
BLUE, ORANGE, GREEN, VERMILLION, SKY, PURPLE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#D55E00",
    "#56B4E9",
    "#CC79A7",
)


def _grid(
    x: float,
    y: float,
    rows: int,
    cols: int,
    fills: dict[tuple[int, int], str] | None = None,
    cell: float = CELL,
) -> str:
    fills = fills or {}
    rects = [
        f'<rect x="{x + c * cell}" y="{y + r * cell}" width="{cell}" height="{cell}" '
        f'fill="{fills.get((r, c), FILL)}" stroke="{GRID}" stroke-width="1"/>'
        for r in range(rows)
        for c in range(cols)
    ]
    return "".join(rects)


def _window(x: float, y: float, rows: int, cols: int, colour: str, cell: float = CELL) -> str:
    return (
        f'<rect x="{x - 1.5}" y="{y - 1.5}" width="{cols * cell + 3}" height="{rows * cell + 3}" '
        f'fill="none" stroke="{colour}" stroke-width="3" rx="2"/>'
    )


def _arrow(x1: float, y1: float, x2: float, y2: float) -> str:
    return (
        f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="{INK}" stroke-width="1.5" '
        f'marker-end="url(#head)"/>'
    )


def _label(x: float, y: float, text: str, size: int = 10, anchor: str = "middle") -> str:
    return (
        f'<text x="{x}" y="{y}" font-family="sans-serif" font-size="{size}" fill="{INK}" '
        f'text-anchor="{anchor}">{escape(text)}</text>'
    )


def _svg(parts: Iterable[str], title: str) -> str:
    head = (
        '<defs><marker id="head" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" '
        f'markerHeight="6" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="{INK}"/></marker>'
        "</defs>"
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{title}"><title>{title}'
        f'</title><rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>{head}{"".join(parts)}'
        "</svg>"
    )


def _line_image(x: float, y: float, row: int = 1) -> str:
    """A 3x3 image holding one full row: a 'line' of the tutorial's data."""
    return _grid(x, y, 3, 3, {(row, c): INK for c in range(3)})


def conv1d() -> str:
    return _svg(
        [
            _label(10, 16, "input: 6 positions", anchor="start"),
            _grid(10, 24, 1, 6, {(0, c): SKY for c in range(1, 4)}),
            _window(10 + CELL, 24, 1, 3, BLUE),
            # The arrow runs down the left edge, clear of the label beside it.
            _label(28, 62, "kernel width 3, stride 1", anchor="start"),
            _arrow(17, 42, 17, 76),
            _grid(10, 80, 1, 4, {(0, 1): ORANGE}),
            _label(80, 91, "output: 6 - 3 + 1 = 4", anchor="start"),
        ],
        "A kernel of width 3 sliding along a sequence",
    )


def conv2d() -> str:
    return _svg(
        [
            _grid(10, 10, 5, 4, {(r, c): SKY for r in (1, 2) for c in (1, 2)}),
            _window(10 + CELL, 10 + CELL, 2, 2, BLUE),
            _arrow(72, 45, 128, 45),
            _label(100, 38, "2x2"),
            _grid(135, 17, 4, 3, {(1, 1): ORANGE}),
            _label(185, 100, "5x4 -> 4x3"),
        ],
        "A 2x2 kernel sliding over a 5x4 grid",
    )


def _words(y: float, words: list[str], start: float = 10, gap: float = 40) -> list[str]:
    return [_label(start + gap * i + 16, y, w) for i, w in enumerate(words)]


def cnn1d_pooled() -> str:
    bigrams = _grid(26, 30, 1, 3, {(0, 0): SKY, (0, 1): ORANGE, (0, 2): SKY}, cell=40)
    return _svg(
        [
            *_words(18, ["i", "like", "it", "<PAD>"], start=14),
            bigrams,
            _label(66, 84, "one vector per bigram"),
            _arrow(150, 50, 178, 50),
            _label(164, 43, "max"),
            _grid(184, 36, 1, 1, {(0, 0): ORANGE}, cell=28),
            _label(198, 84, "ANY"),
        ],
        "Bigram vectors pooled by max into one sentence vector",
    )


def cnn1d_flat() -> str:
    return _svg(
        [
            *_words(18, ["i", "like", "it", "<PAD>"], start=14),
            _grid(26, 30, 1, 3, {(0, 0): SKY, (0, 1): ORANGE, (0, 2): GREEN}, cell=40),
            _arrow(150, 50, 170, 50),
            _grid(
                176,
                22,
                6,
                1,
                {
                    (0, 0): SKY,
                    (1, 0): SKY,
                    (2, 0): ORANGE,
                    (3, 0): ORANGE,
                    (4, 0): GREEN,
                    (5, 0): GREEN,
                },
                cell=12,
            ),
            _label(190, 106, "3 x 2 = 6"),
            _label(66, 84, "each position keeps its place"),
        ],
        "Bigram vectors concatenated in order",
    )


def cnn2d_pooled() -> str:
    return _svg(
        [
            _line_image(10, 20),
            _window(10, 20, 2, 2, BLUE),
            _window(10 + CELL, 20 + CELL, 2, 2, ORANGE),
            _arrow(62, 41, 100, 41),
            _grid(106, 27, 2, 2, {(0, 0): SKY, (1, 1): ORANGE}, cell=CELL),
            _arrow(140, 41, 176, 41),
            _label(158, 34, "max"),
            _grid(182, 34, 1, 1, {(0, 0): ORANGE}),
            _label(120, 96, "2x2 regions -> one pooled vector"),
        ],
        "Every 2x2 region of a 3x3 image becomes a vector; max keeps the strongest",
    )


def cnn2d_flat() -> str:
    return _svg(
        [
            _line_image(10, 20, row=0),
            _arrow(62, 41, 96, 41),
            _grid(102, 27, 2, 2, {(0, 0): SKY, (0, 1): SKY, (1, 0): ORANGE, (1, 1): ORANGE}),
            _arrow(136, 41, 170, 41),
            _grid(176, 2, 8, 1, {(i, 0): (SKY if i < 4 else ORANGE) for i in range(8)}, cell=10),
            _label(100, 96, "2 x 2 x 2 = 8 features, in place"),
        ],
        "The 2x2 grid of vectors flattened into 8 features",
    )


def cnn2d_two_layers() -> str:
    return _svg(
        [
            _line_image(10, 25, row=2),
            _arrow(60, 46, 90, 46),
            _label(75, 39, "conv"),
            _grid(96, 32, 2, 2, {(1, 0): SKY, (1, 1): SKY}),
            _arrow(130, 46, 160, 46),
            _label(145, 39, "conv"),
            _grid(166, 39, 1, 1, {(0, 0): ORANGE}),
            _label(120, 96, "3x3 -> 2x2 -> 1x1"),
        ],
        "Two convolutions stacked",
    )


def cnn2d_downsampled() -> str:
    groups = {
        (r, c): (BLUE, ORANGE, GREEN, PURPLE)[(r // 2) * 2 + c // 2]
        for r in range(4)
        for c in range(4)
    }
    return _svg(
        [
            _grid(10, 10, 4, 4, groups),
            _arrow(72, 38, 130, 38),
            _label(101, 31, "max"),
            _label(101, 52, "2x2, stride 2", size=8),
            _grid(136, 24, 2, 2, {(0, 0): BLUE, (0, 1): ORANGE, (1, 0): GREEN, (1, 1): PURPLE}),
            _label(120, 96, "4x4 -> 2x2: a quarter of the size"),
        ],
        "Max pooling 2x2 windows with stride 2 shrinks a 4x4 grid to 2x2",
    )


def conv_arithmetic() -> str:
    pads = {(0, 0): GRID, (0, 6): GRID}
    return _svg(
        [
            _label(10, 16, "pad 1 | input 5 | pad 1", anchor="start"),
            _grid(10, 24, 1, 7, {**pads, (0, 1): SKY, (0, 2): SKY}),
            _window(10, 24, 1, 3, BLUE),
            _window(10 + 2 * CELL, 24, 1, 3, ORANGE),
            _label(28, 60, "kernel 3, stride 2", anchor="start"),
            _arrow(17, 44, 17, 76),
            _grid(10, 80, 1, 3, {(0, 0): BLUE, (0, 1): ORANGE}),
            _label(65, 91, "⌊(5 + 2 − 3) / 2⌋ + 1 = 3", anchor="start"),
        ],
        "Input 5 padded by 1, kernel 3, stride 2: output 3",
    )


PICTURES = {
    "conv1d": conv1d,
    "conv2d": conv2d,
    "cnn1d_pooled": cnn1d_pooled,
    "cnn1d_flat": cnn1d_flat,
    "cnn2d_pooled": cnn2d_pooled,
    "cnn2d_flat": cnn2d_flat,
    "cnn2d_two_layers": cnn2d_two_layers,
    "cnn2d_downsampled": cnn2d_downsampled,
    "conv_arithmetic": conv_arithmetic,
}
"""Section url path -> picture builder."""


def picture_title(svg: str) -> str:
    """The picture's title (its ``<title>``): the alternative text of the image on the page."""
    found = re.search(r"<title>(.*?)</title>", svg, re.DOTALL)
    return unescape(found.group(1)) if found else ""
