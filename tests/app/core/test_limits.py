"""app.core.limits: the caps agree with each other."""

from __future__ import annotations

from app.core import limits


def test_limits_are_consistent_with_each_other():
    assert limits.MAX_KERNEL <= limits.MAX_IMAGE_KERNEL
    assert limits.MAX_HEIGHT * limits.MAX_WIDTH * limits.MAX_CHANNELS <= limits.MAX_TABLE_CELLS


def test_explicit_padding_reaches_full_padding_of_the_widest_kernel():
    # Full padding (p = k - 1) is one of the guide's cases on page 9.
    assert limits.MAX_KERNEL - 1 <= limits.MAX_PADDING
