"""The short version of benchmarks/load_test.py: a few concurrent learners on one real server."""

from __future__ import annotations

import os

import pytest

from devtools.live import CHROMIUM

pytestmark = pytest.mark.browser

if not CHROMIUM.exists() and not os.environ.get("CI"):
    pytest.skip(f"{CHROMIUM} not installed", allow_module_level=True)


def test_three_concurrent_sessions_load_edit_and_train_without_errors():
    from benchmarks.load_test import main

    (stats,) = main(["--sessions", "3", "--settle", "3"])
    assert stats.errors == []
    assert {step: len(times) for step, times in stats.times.items()} == {
        "load": 3,
        "widget": 3,
        "train": 3,
    }
    # Three sessions of tiny tensors must not grow the server by more than a few tens of MiB.
    assert stats.rss_peak - stats.rss_start < 300


def test_five_concurrent_protocol_sessions_load_edit_and_train_without_errors():
    """The same journey over Streamlit's websocket protocol, without a browser per learner."""
    from benchmarks.protocol_load import main

    (stats,) = main(["--sessions", "5", "--settle", "2"])
    assert stats.errors == []
    assert {step: len(times) for step, times in stats.times.items()} == {
        "load": 5,
        "widget": 5,
        "train": 5,
    }
    assert stats.rss_peak - stats.rss_start < 300
