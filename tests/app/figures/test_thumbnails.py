"""Home page pictures: one well-formed, titled SVG per section."""

import xml.etree.ElementTree as ET

from app.core.navigation import SECTIONS
from app.figures.thumbnails import PICTURES, picture_title


def test_every_section_has_a_picture():
    assert set(PICTURES) == {spec.url_path for spec in SECTIONS}


def test_pictures_are_well_formed_svg_with_a_title():
    for name, build in PICTURES.items():
        root = ET.fromstring(build())  # raises on malformed XML, e.g. an unescaped "<PAD>"
        assert root.tag.endswith("svg"), name
        assert root.find("{http://www.w3.org/2000/svg}title").text, name
        assert root.get("aria-label"), name


def _text_boxes(root):
    """(left, top, right, bottom) of each label, its width estimated at 0.6 em per character."""
    for text in root.iter("{http://www.w3.org/2000/svg}text"):
        x, y, size = float(text.get("x")), float(text.get("y")), float(text.get("font-size"))
        width = 0.6 * size * len(text.text)
        left = {"start": x, "middle": x - width / 2, "end": x - width}[text.get("text-anchor")]
        yield text.text, (left, y - size, left + width, y)


def test_no_arrow_runs_through_a_label():
    for name, build in PICTURES.items():
        root = ET.fromstring(build())
        boxes = list(_text_boxes(root))
        for line in root.iter("{http://www.w3.org/2000/svg}line"):
            x1, y1, x2, y2 = (float(line.get(k)) for k in ("x1", "y1", "x2", "y2"))
            for step in range(21):  # points along the arrow
                x, y = x1 + (x2 - x1) * step / 20, y1 + (y2 - y1) * step / 20
                for label, (left, top, right, bottom) in boxes:
                    inside = left <= x <= right and top <= y <= bottom
                    assert not inside, f"{name}: the arrow crosses {label!r}"


def test_each_picture_gives_its_title_as_alternative_text():
    assert picture_title(PICTURES["conv1d"]()) == "A kernel of width 3 sliding along a sequence"
    assert all(picture_title(build()) for build in PICTURES.values())
