"""The built-in exercises of the convolution and pooling pages (sections 1, 2 and 8's grid).

Each check asks the engine: the tab's output (``app.core.page_outcomes``), a window's cells
(``cnndemo.explain``) or a convolution of the images of sections 5-8 (``cnndemo.ops``).
"""

from __future__ import annotations

import numpy as np

from app.core.checks import Check, CheckResult
from app.core.exercises import Exercise, menu
from app.core.numbers import nested_text
from app.core.page_outcomes import Outcome
from cnndemo import data as data_mod
from cnndemo import explain, ops


def _steps_check(outcome: Outcome, response: str | None) -> CheckResult:
    """Page 1's scalar tab: 0 where the input stays flat, > 0 where it rises, < 0 where it falls."""
    v, out = outcome.state["v"], outcome.output
    rises = np.sign(np.diff(v))
    if out.shape != rises.shape:
        return CheckResult(
            False, f"The output has {out.shape[0]} numbers; with a kernel of 2 weights it has "
            f"{rises.shape[0]}, one per pair of neighbours."
        )  # fmt: skip
    wrong = np.flatnonzero(np.sign(out) != rises)
    if wrong.size == 0:
        return CheckResult(True, "Right: 0 on the flat parts, + on the rise, - on the fall.")
    return CheckResult(
        False, f"Output {nested_text(out)}: position {int(wrong[0])} should be "
        f"{['negative', '0', 'positive'][int(rises[wrong[0]]) + 1]}."
    )  # fmt: skip


def _dilation_check(outcome: Outcome, response: str | None) -> CheckResult:
    """Page 1: output 0 reads input positions 0, 2, 4 and the output has 2 positions."""
    state = outcome.state
    plan = explain.conv_plan(
        state["x"].shape[:1], state["k"].shape[:1], state["s"], state["p"], state["d"]
    )
    read = [cell[0] for cell in plan.window(0).real_cells]
    if read != [0, 2, 4]:
        return CheckResult(False, f"Output position 0 adds input positions {read}, not [0, 2, 4].")
    if outcome.output.shape[0] != 2:
        return CheckResult(
            False, f"Position 0 is right; now the output has {outcome.output.shape[0]} positions, "
            "not 2."
        )  # fmt: skip
    return CheckResult(True, "Right: taps 2 apart, and the kernel jumps far enough for 2 outputs.")


_IMAGES = data_mod.parse_images(data_mod.IMAGES)[..., 0]
_BLANK = _IMAGES[6]
_VERTICAL = _IMAGES[3:6]
_HORIZONTAL = _IMAGES[0:3]


def _line_kernel_check(outcome: Outcome, response: str | None) -> CheckResult:
    """Page 2: the grids tab's kernel on the 3 x 3 images: 0 on blank, >= 1 somewhere on every
    vertical line, < 1 everywhere on every horizontal line."""
    state = outcome.state
    kernel = state["k"]
    if kernel.shape[2] != 1:
        return CheckResult(False, "The images have one channel: give the kernel 1 input channel.")

    def responses(images: np.ndarray) -> np.ndarray:
        stride = (state["sy"], state["sx"])
        return ops.conv2d(images[..., None], kernel, stride, state["p"], state["d"])

    try:
        blank, vertical, horizontal = (responses(i) for i in (_BLANK[None], _VERTICAL, _HORIZONTAL))
    except ValueError as error:
        return CheckResult(False, f"The kernel cannot run on a 3 x 3 image: {error}.")
    if np.any(blank != 0):
        return CheckResult(False, "The blank image must give 0 everywhere.")
    best = vertical.reshape(3, -1).max(axis=1)
    if np.any(best < 1):
        line = int(np.argmin(best))
        return CheckResult(
            False, f"The vertical line in column {line} reaches only {best[line]:.3g}; "
            "it needs at least 1 somewhere."
        )  # fmt: skip
    worst = horizontal.reshape(3, -1).max(axis=1)
    if np.any(worst >= 1):
        line = int(np.argmax(worst))
        return CheckResult(
            False, f"The horizontal line in row {line} reaches {worst[line]:.3g}; it must stay "
            "below 1."
        )  # fmt: skip
    return CheckResult(True, "Right: the kernel tells vertical lines from horizontal ones.")


def _corner_check(outcome: Outcome, response: str | None) -> CheckResult:
    """Page 8's grid: pooled cell (0, 0) is the vector (1, 2, 3)."""
    out = outcome.output
    if out.shape[0] < 1 or out.shape[2] != 3:
        return CheckResult(False, "The pooled grid needs its 3 channels.")
    cell = out[0, 0]
    if np.array_equal(cell, [1.0, 2.0, 3.0]):
        return CheckResult(True, "Right: each channel keeps its smallest value, from 3 cells.")
    return CheckResult(False, f"Cell (0, 0) is {nested_text(cell)}, not [1, 2, 3].")


_STEPS = np.array([1, 1, 1, 4, 4, 4, 2, 2], dtype=np.float64)
_SEVEN = np.arange(1, 50, dtype=np.float64).reshape(7, 7, 1)
_LINE = _VERTICAL[1][..., None]

CONV_EXERCISES: tuple[Exercise, ...] = (
    Exercise(
        "conv1d-output-4", "conv1d", "scalar", "Four numbers out",
        "The input has 8 numbers and the kernel 3 weights. Choose a stride and a padding so "
        "that the output has exactly 4 numbers.",
        {}, menu(Check("output_shape", shape=(4,))),
        ("VALID keeps whole windows only: floor((8 - 3) / stride) + 1 numbers.",
         "SAME pads with zeros so that the output has ceil(8 / stride) numbers."),
        {"vs": 2, "vp": "same"},
        "SAME padding with stride 2 gives ceil(8 / 2) = 4 numbers (VALID would give 3).",
        locked=("v", "w"),
    ),
    Exercise(
        "conv1d-steps", "conv1d", "scalar", "A step detector",
        "Type a kernel of two weights whose output is 0 wherever the input stays flat, "
        "positive where it steps up and negative where it steps down.",
        {"v": _STEPS, "w": np.array([1.0, 1.0])}, _steps_check,
        ("Each output is w0 × (a number) + w1 × (the next number).",
         "On a flat part both numbers are equal: the weights must cancel out."),
        {"w": np.array([-1.0, 1.0])},
        "[-1, 1] computes next minus current: 0 when equal, its sign says up or down.",
        locked=("v", "vs", "vp"),
    ),
    Exercise(
        "conv1d-dilated", "conv1d", "vectors", "Spread the taps",
        "Output position 0 should add input positions 0, 2 and 4, and the output should have "
        "exactly 2 positions. Change the dilation and the stride, not the tables.",
        {"x": np.arange(1, 9, dtype=np.float64)[:, None], "k": np.ones((3, 1, 1))},
        _dilation_check,
        ("Dilation is the gap between the kernel's taps.",
         "With dilation 2 a window spans 5 positions; how far must it jump to fit twice in 8?"),
        {"d": 2, "s": 2},
        "Dilation 2 reads positions 0, 2, 4; stride 2 places a second window at 2, 4, 6.",
        locked=("x", "k"),
    ),
    Exercise(
        "conv2d-stride-3x3", "conv2d", "grids", "A 3 x 3 output",
        "The input is a 7 x 7 grid and the kernel 3 x 3. Choose a stride so that the output "
        "is 3 x 3.",
        {"x": _SEVEN, "k": np.ones((3, 3, 1, 1))}, menu(Check("output_shape", shape=(3, 3, 1))),
        ("Each axis on its own: floor((7 - 3) / stride) + 1 with VALID padding.",),
        {"sy": 2, "sx": 2},
        "Stride 2 gives floor(4 / 2) + 1 = 3 positions on each axis.",
        locked=("x", "k", "p", "d"),
    ),
    Exercise(
        "conv2d-vertical-lines", "conv2d", "grids", "A vertical line detector",
        "Make a kernel that outputs 0 on the blank image, at least 1 somewhere on every "
        "vertical line and less than 1 everywhere on every horizontal line (the 3 x 3 images "
        "of sections 5-8; one of the vertical lines is the input here).",
        {"x": _LINE, "k": np.zeros((2, 2, 1, 1))}, _line_kernel_check,
        ("A kernel taller than it is wide covers more of a vertical line than of a horizontal "
         "one.", "Try a kernel of 2 rows and 1 column."),
        {"k": np.full((2, 1, 1, 1), 0.5)},
        "Two weights of 0.5 one above the other add up to 1 on a vertical line but see only "
        "one inked cell of a horizontal line (0.5).",
    ),
    Exercise(
        "conv2d-picture-half", "conv2d", "pictures", "Half the size",
        "Keep the Sobel x kernel, but make the feature map 32 x 32 from the 64 x 64 picture.",
        {}, menu(Check("output_shape", shape=(32, 32))),
        ("Which control skips every other position?",
         "With SAME padding the output is ceil(64 / stride) on each side."),
        {"is": 2}, "Stride 2 with SAME padding: ceil(64 / 2) = 32 each way.",
        locked=("ik",),
    ),
    Exercise(
        "pool-overlap-3x3", "cnn2d-downsampled", "grid", "Overlapping windows",
        "Pool the 4 x 4 grid into a 3 x 3 grid, keeping 2 x 2 windows.",
        {}, menu(Check("output_shape", shape=(3, 3, 3))),
        ("floor((4 - 2) / stride) + 1 cells on each axis.",
         "Windows may overlap: the stride can be smaller than the window."),
        {"sy": 1, "sx": 1}, "Stride 1 overlaps the windows: floor(2 / 1) + 1 = 3 per axis.",
        locked=("x", "ky", "kx"),
    ),
    Exercise(
        "pool-min-corner", "cnn2d-downsampled", "grid", "Pick the pooling",
        "Without editing the grid, make pooled cell (0, 0) the vector (1, 2, 3).",
        {}, _corner_check,
        ("The top-left window holds (1, 17, 3), (4, 5, 6), (13, 14, 18) and (16, 2, 15).",
         "Each channel is pooled on its own."),
        {"k": "min"},
        "Min pooling keeps each channel's smallest value: 1, 2 and 3 come from 3 different "
        "cells of the window.",
        locked=("x",),
    ),
)  # fmt: skip
"""Sections 1, 2 and 8's grid part."""
