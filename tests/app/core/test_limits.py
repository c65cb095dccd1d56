"""app.core.limits: the caps agree with each other."""

from __future__ import annotations

from app.core import limits


def test_limits_are_consistent_with_each_other():
    assert limits.MAX_KERNEL <= limits.MAX_IMAGE_KERNEL
    assert limits.MAX_HEIGHT * limits.MAX_WIDTH * limits.MAX_CHANNELS <= limits.MAX_TABLE_CELLS
