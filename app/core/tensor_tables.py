"""Tensors <-> the tables a learner edits: cutting, validating, reassembling, resizing.

Pure helpers behind ``app.widgets.tensor_editor`` (no Streamlit): a tensor of a given kind is cut
into 2D tables (rows = axis 0, columns = axis 1, one table per index of the remaining axes), each
edited table is checked cell by cell (finite numbers within ``limits.MAX_ABS_VALUE``), and the
tables are put back together into the tensor the page computes with.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from app.core import limits, markup

KINDS = ("vector", "sequence", "grid", "kernel1d", "kernel2d")


@dataclass(frozen=True)
class Layout:
    """How a tensor kind is cut into 2D tables: rows = axis 0, columns = axis 1, one table per
    index of the remaining axes."""

    row_axis: str  # name of axis 0 (the tables' row header)
    col_prefix: str  # column names are f"{col_prefix} {j}"
    table_title: Callable[[tuple[int, ...]], str]


LAYOUTS: dict[str, Layout] = {
    "vector": Layout("position", "value", lambda idx: ""),
    "sequence": Layout("position", "ch", lambda idx: ""),
    "grid": Layout("row", "col", lambda idx: f"channel {idx[0]}"),
    "kernel1d": Layout("tap", "in", lambda idx: f"output channel {idx[0]}"),
    "kernel2d": Layout("row", "col", lambda idx: f"in {idx[0]} → out {idx[1]}"),
}


NDIM = {"vector": 1, "sequence": 2, "grid": 3, "kernel1d": 3, "kernel2d": 4}


def column_names(kind: str, n_cols: int) -> list[str]:
    """Column headers of a table of ``kind``: ``ch 0, ch 1, …`` (a vector has one, ``value``)."""
    if kind == "vector":
        return ["value"]
    prefix = LAYOUTS[kind].col_prefix
    return [f"{prefix} {j}" for j in range(n_cols)]


def table_indices(kind: str, shape: Sequence[int]) -> list[tuple[int, ...]]:
    """Index of each table over the axes after the first two, in row-major order."""
    if kind in ("vector", "sequence"):
        return [()]
    return [tuple(int(i) for i in idx) for idx in np.ndindex(*shape[2:])]


def tensor_to_frames(kind: str, value: np.ndarray) -> list[tuple[str, pd.DataFrame]]:
    """Cut a tensor into ``(title, table)`` pairs, the tables the learner edits."""
    value = np.asarray(value, dtype=np.float64)
    if value.ndim != NDIM[kind]:
        raise ValueError(f"a {kind} has {NDIM[kind]} axes, got shape {value.shape}")
    layout = LAYOUTS[kind]
    if kind == "vector":
        matrix_of = lambda idx: value[:, None]  # noqa: E731
    else:
        matrix_of = lambda idx: value[(slice(None), slice(None), *idx)]  # noqa: E731
    frames = []
    for idx in table_indices(kind, value.shape):
        matrix = matrix_of(idx)
        frame = pd.DataFrame(
            matrix,
            columns=column_names(kind, matrix.shape[1]),
            index=pd.RangeIndex(matrix.shape[0], name=layout.row_axis),
        )
        frames.append((layout.table_title(idx), frame))
    return frames


def check_frame(frame: pd.DataFrame, where: str) -> tuple[np.ndarray | None, list[str]]:
    """Validate one edited table: every cell a finite number within ``limits.MAX_ABS_VALUE``.

    Returns ``(matrix, [])`` or ``(None, messages)``; messages name the table, row and column,
    and quote a cell's text escaped for Markdown (``app.core.markup``), at most 20 characters.
    """
    if frame.shape[0] == 0 or frame.shape[1] == 0:
        return None, [f"{where}: the table is empty; it needs at least one row and one column"]
    if all(dtype == np.float64 for dtype in frame.dtypes):
        # The usual case (number columns): one vectorised check; cell by cell only to explain.
        matrix = frame.to_numpy(dtype=np.float64)
        if np.all(np.isfinite(matrix)) and np.all(np.abs(matrix) <= limits.MAX_ABS_VALUE):
            return matrix, []
    errors: list[str] = []
    columns = []
    for name in frame.columns:
        raw = frame[name]
        numbers = pd.to_numeric(raw, errors="coerce").astype(np.float64)
        columns.append(numbers.to_numpy())
        for row_label, original, number in zip(frame.index, raw, numbers, strict=True):
            cell = f"{where}row {row_label}, column '{name}'"
            if math.isnan(number):
                shown = "" if original is None or _is_nan(original) else markup.text(original, 20)
                errors.append(f"{cell}: '{shown}' is not a number" if shown else f"{cell} is empty")
            elif math.isinf(number):
                errors.append(f"{cell} is infinite; use a finite number")
            elif abs(number) > limits.MAX_ABS_VALUE:
                errors.append(
                    f"{cell} = {number:g} is too large; keep numbers within "
                    f"±{limits.MAX_ABS_VALUE:g}"
                )
    if errors:
        return None, errors
    return np.stack(columns, axis=1), []


def _is_nan(value: Any) -> bool:
    return isinstance(value, float) and math.isnan(value)


def frames_to_tensor(
    kind: str, shape: Sequence[int], frames: Sequence[pd.DataFrame], label: str
) -> tuple[np.ndarray | None, list[str]]:
    """Reassemble edited tables into a tensor of ``shape``; ``(None, errors)`` if any is bad."""
    shape = tuple(shape)
    tensor = np.zeros(shape, dtype=np.float64)
    errors: list[str] = []
    titles = [title for title, _ in tensor_to_frames(kind, tensor)]
    for idx, title, frame in zip(table_indices(kind, shape), titles, frames, strict=True):
        where = f"{label}, {title}, " if title else f"{label}, "
        matrix, problems = check_frame(frame, where)
        if problems:
            errors.extend(problems)
            continue
        expected = (shape[0], 1) if kind == "vector" else shape[:2]
        if matrix.shape != expected:
            errors.append(f"{where}the table should be {expected[0]} x {expected[1]}")
            continue
        if kind == "vector":
            tensor[:] = matrix[:, 0]
        else:
            tensor[(slice(None), slice(None), *idx)] = matrix
    return (None, errors) if errors else (tensor, [])


def resize(value: np.ndarray, shape: Sequence[int]) -> np.ndarray:
    """Crop or zero-pad ``value`` to ``shape`` (ends of each axis), keeping what still fits."""
    value = np.asarray(value, dtype=np.float64)
    out = np.zeros(tuple(shape), dtype=np.float64)
    common = tuple(slice(0, min(a, b)) for a, b in zip(value.shape, shape, strict=True))
    out[common] = value[common]
    return out


def summarize_errors(errors: Sequence[str], limit: int = 4) -> str:
    """Bullet list of the first ``limit`` problems, and how many more there are."""
    shown = [f"- {e}" for e in errors[:limit]]
    if len(errors) > limit:
        shown.append(f"- … and {len(errors) - limit} more")
    return "\n".join(shown)
