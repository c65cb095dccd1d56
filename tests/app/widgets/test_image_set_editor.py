"""app.widgets.image_set_editor: what a card says about a prediction (the cards themselves are driven in tests/pages/test_5..7)."""

from __future__ import annotations

from app.widgets.image_set_editor import probability_text


def test_probability_text_marks_wrong_answers():
    assert "✓" in probability_text(0.9, 1) and ":green" in probability_text(0.1, 0)
    assert "✗" in probability_text(0.8, 0) and ":red" in probability_text(0.4, 1)
