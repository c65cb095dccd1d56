"""Engine-wide fixtures.

Every work buffer the engine borrows (cnndemo._scratch) comes through the reuse pool here,
however small, and arrives filled with NaN. So every engine test, checked against the loop
oracle and finite differences, also checks that no operation reads what an earlier call left
in a buffer (a stale read shows as NaN) and that no result is a lent buffer.
"""

from __future__ import annotations

import numpy as np
import pytest

from cnndemo import _scratch


@pytest.fixture(autouse=True)
def _poisoned_work_buffers(monkeypatch):
    real_take = _scratch._take

    def take_poisoned(nbytes: int) -> np.ndarray:
        raw = real_take(nbytes)
        raw.fill(0xFF)  # all bits set: NaN in float32 and float64
        return raw

    monkeypatch.setattr(_scratch, "_take", take_poisoned)
    monkeypatch.setattr(_scratch, "MIN_BYTES", 0)
    yield
