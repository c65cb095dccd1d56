"""One axis of a sliding window: output size, padding, and the cells each output reads.

The rules are stated in :mod:`cnndemo.explain`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

PADDINGS = ("valid", "same")


@dataclass(frozen=True)
class Axis:
    """A sliding window along one axis: the numbers behind its output size and padding.

    Attributes
    ----------
    n, k, stride, dilation : int
        Input length, taps per window, step between windows, step between taps.
    padding : "valid", "same" or int
        A whole number ``p >= 0`` pads ``p`` zero cells on each side (explicit padding).
    out : int
        Output length; 0 when a window does not fit (``span > n + 2p``; ``p = 0`` for VALID).
    before, after : int
        Padding cells added before and after the input (0 for VALID, ``p`` for explicit).
    """

    n: int
    k: int
    stride: int
    dilation: int
    padding: str | int
    out: int
    before: int
    after: int

    @property
    def span(self) -> int:
        """Cells one window covers: ``(k - 1) * dilation + 1``."""
        return (self.k - 1) * self.dilation + 1

    @property
    def fits(self) -> bool:
        """True when there is at least one output."""
        return self.out > 0

    @property
    def padded_length(self) -> int:
        """Length of the padded input: ``before + n + after``."""
        return self.before + self.n + self.after

    def taps(self, i: int) -> tuple[int, ...]:
        """Input index each tap of output ``i`` reads (below 0 or from ``n`` on: padding)."""
        start = i * self.stride - self.before
        return tuple(start + j * self.dilation for j in range(self.k))

    def outputs_reading(self, index: int) -> tuple[tuple[int, int], ...]:
        """``(output, tap)`` pairs whose window reads input cell ``index``, outputs in order."""
        found = []
        for j in range(self.k):
            offset = index + self.before - j * self.dilation
            if offset >= 0 and offset % self.stride == 0 and offset // self.stride < self.out:
                found.append((offset // self.stride, j))
        return tuple(sorted(found))

    def coverage(self) -> np.ndarray:
        """How many windows read each input cell, shape (n,)."""
        counts = np.zeros(self.n, dtype=np.int64)
        for i in range(self.out):
            for index in self.taps(i):
                if 0 <= index < self.n:
                    counts[index] += 1
        return counts

    def tap_index(self) -> np.ndarray:
        """Input index of tap ``j`` of output ``i``, shape (out, k); outside [0, n): padding."""
        return (
            np.arange(self.out)[:, None] * self.stride
            + np.arange(self.k)[None, :] * self.dilation
            - self.before
        )

    def require(self, window: str = "window", name: str = "size") -> Axis:
        """This axis, or ValueError (naming ``window`` and ``name``) when no window fits."""
        if self.fits:
            return self
        where = (
            "with valid padding"
            if self.padding == "valid"
            else f"padded by {self.before} on each side"
        )
        if self.dilation == 1:
            raise ValueError(
                f"{window} {name} {self.k} is larger than input {name} {self.n} {where}"
            )
        raise ValueError(
            f"dilated {window} {name} {self.span} ({window} {name} {self.k}, dilation "
            f"{self.dilation}) is larger than input {name} {self.n} {where}"
        )


def axis(n: int, k: int, stride: int = 1, padding: str | int = "valid", dilation: int = 1) -> Axis:
    """The sliding-window numbers of one axis (see the module docstring for the rules).

    Parameters
    ----------
    n, k, stride, dilation : int
        Whole numbers >= 1.
    padding : "valid", "same" or a whole number p >= 0
        Explicit padding adds ``p`` zero cells before and ``p`` after the input:
        ``out = floor((n + 2p - span) / stride) + 1`` (``"valid"`` is ``p = 0``).

    Raises
    ------
    ValueError
        A size that is not a whole number >= 1, or a padding that is neither word nor a whole
        number >= 0. A window larger than the (padded) input is not an error here (``out`` is
        0); :meth:`Axis.require` raises.
    """
    return _axis(
        _whole(n, "input size"),
        _whole(k, "window size"),
        _whole(stride, "stride"),
        _padding(padding),
        _whole(dilation, "dilation"),
    )


@lru_cache(maxsize=4096)
def _axis(n: int, k: int, stride: int, padding: str | int, dilation: int) -> Axis:
    # Pure integer arithmetic on checked arguments, so safe to cache (the ops call it per call).
    span = (k - 1) * dilation + 1
    if padding != "same":
        pad = 0 if padding == "valid" else padding
        out = (n + 2 * pad - span) // stride + 1 if span <= n + 2 * pad else 0
        return Axis(n, k, stride, dilation, padding, out, pad, pad)
    out = -(-n // stride)
    total = max((out - 1) * stride + span - n, 0)
    return Axis(n, k, stride, dilation, padding, out, total // 2, total - total // 2)


def checked_axis(
    n: int, k: int, stride: int, padding: str | int, dilation: int, window: str, name: str
) -> Axis:
    """:func:`axis` for arguments the caller has already checked, raising when nothing fits."""
    return _axis(n, k, stride, padding, dilation).require(window, name)


def _whole(value: object, name: str) -> int:
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | np.integer):
        if isinstance(value, float | np.floating) and float(value).is_integer():
            value = int(value)
        else:
            raise ValueError(f"{name} must be a whole number >= 1, got {value!r}")
    if value < 1:
        raise ValueError(f"{name} must be a whole number >= 1, got {value}")
    return int(value)


def _padding(padding: object) -> str | int:
    if isinstance(padding, str) and padding in PADDINGS:
        return padding
    if isinstance(padding, int | np.integer) and not isinstance(padding, bool) and padding >= 0:
        return int(padding)
    raise ValueError(
        f"padding must be 'valid' or 'same' (or a whole number >= 0 of zero cells on each "
        f"side), got {padding!r}"
    )


def per_axis(value: object, rank: int, name: str) -> tuple[int, ...]:
    if isinstance(value, tuple | list | np.ndarray):
        if len(value) != rank:
            raise ValueError(f"{name} needs {rank} number(s), one per axis; got {value!r}")
        return tuple(_whole(v, name) for v in value)
    return (_whole(value, name),) * rank
