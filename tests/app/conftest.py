"""Fixtures shared by the app's tests."""

from __future__ import annotations

import pytest

from cnndemo.train import train_section


@pytest.fixture(scope="module")
def pooled_run():
    """Section 5's reference run, with a snapshot every 200 epochs."""
    return train_section(5, seed=0, every=200)
