"""Sizes along one axis: how many windows fit, and how much padding ``"same"`` adds.

A window of ``k`` taps with dilation ``d`` spans ``span = (k - 1) * d + 1`` cells. Window ``i``
starts at padded cell ``i * stride``; its tap ``j`` reads padded cell ``i * stride + j * d``,
which is input cell ``i * stride + j * d - before``.
"""

from __future__ import annotations

from cnndemo.reference.checks import padding_word, whole


def output_size(n: int, k: int, stride: int = 1, padding: str = "valid", dilation: int = 1) -> int:
    """Number of windows along one axis.

    Parameters
    ----------
    n, k : int
        Input length and window length (taps) along the axis.
    stride, dilation : int
        Step between windows, and between taps inside a window.
    padding : {"valid", "same"}

    Returns
    -------
    int
        ``"valid"`` keeps only the windows that fit: ``floor((n - span) / stride) + 1``.
        ``"same"`` keeps one window per ``stride`` input cells: ``ceil(n / stride)``.

    Raises
    ------
    ValueError
        A window larger than the input with ``"valid"``, a size or step that is not a whole
        number >= 1, or another padding word.
    """
    n, k = whole(n, "input size"), whole(k, "window size")
    stride, dilation = whole(stride, "stride"), whole(dilation, "dilation")
    span = (k - 1) * dilation + 1
    if padding_word(padding) == "same":
        return (n + stride - 1) // stride  # ceil(n / stride) in whole numbers
    if span > n:
        raise ValueError(
            f"window size {k} (spanning {span} cells) is larger than input size {n} "
            "with valid padding"
        )
    return (n - span) // stride + 1


def padding_amounts(
    n: int, k: int, stride: int = 1, padding: str = "valid", dilation: int = 1
) -> tuple[int, int]:
    """How many cells ``"same"`` padding adds before and after one axis.

    The arguments are those of :func:`output_size`. ``"valid"`` adds none: ``(0, 0)``.
    ``"same"`` (TensorFlow's rule) adds just enough for the last of the ``out = ceil(n /
    stride)`` windows to fit: ``total = max((out - 1) * stride + span - n, 0)`` cells, of which
    ``total // 2`` go before and the rest after, so an odd one goes at the end. For example
    ``n = 5, k = 2``: ``total = 1``, ``(0, 1)``; ``n = 4, k = 4``: ``total = 3``, ``(1, 2)``.

    Returns
    -------
    (before, after) : tuple of int
    """
    out = output_size(n, k, stride, padding, dilation)
    if padding == "valid":
        return 0, 0
    span = (int(k) - 1) * int(dilation) + 1
    total = max((out - 1) * int(stride) + span - int(n), 0)
    before = total // 2
    return before, total - before
