"""Home page pictures: one well-formed, titled SVG per section."""

import xml.etree.ElementTree as ET

from app.core.navigation import SECTIONS
from app.figures.thumbnails import PICTURES


def test_every_section_has_a_picture():
    assert set(PICTURES) == {spec.url_path for spec in SECTIONS}


def test_pictures_are_well_formed_svg_with_a_title():
    for name, build in PICTURES.items():
        root = ET.fromstring(build())  # raises on malformed XML, e.g. an unescaped "<PAD>"
        assert root.tag.endswith("svg"), name
        assert root.find("{http://www.w3.org/2000/svg}title").text, name
        assert root.get("aria-label"), name
