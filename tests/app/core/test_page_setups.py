"""The plain-data page setups agree with the real pages: each page, opened with no link, writes a
link that decodes with the setup's schema to the setup's defaults; a changed setup goes through
the page's own link rules."""

from __future__ import annotations

import numpy as np
import pytest

from app.core.navigation import SECTIONS
from app.core.page_setups import PAGES, page_setup
from app.core.share import decode, encode
from tests.pages.conftest import open_page

PATHS = {spec.url_path.replace("_", "-"): spec.path for spec in SECTIONS}
# Page 9 (convolution arithmetic) has no setup here yet: its controls live in its page file.
PENDING = {"conv-arithmetic"}


def same_state(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)


def test_every_section_page_has_a_setup() -> None:
    assert sorted(PAGES) == sorted(set(PATHS) - PENDING)
    assert [PAGES[page].section for page in PATHS if page in PAGES] == list(range(1, 9))


@pytest.mark.parametrize("page", sorted(PAGES))
def test_the_page_writes_the_defaults_link(page: str) -> None:
    at = open_page(PATHS[page])
    assert not at.exception
    params = {key: at.query_params[key] for key in at.query_params}
    params = {k: v[0] if isinstance(v, list) else v for k, v in params.items()}
    setup = page_setup(page)
    state, errors = decode(params, setup.schema)
    assert not errors
    assert same_state(state, setup.defaults())
    # Views of the page (gradients, receptive field) may add optional fields of their own.
    assert encode(setup.defaults(), setup.schema) == {k: params[k] for k in setup.schema.names}


def test_changes_are_checked_like_a_link() -> None:
    setup = page_setup("conv1d")
    assert setup.with_changes({"s": 3})["s"] == 3
    with pytest.raises(ValueError, match="not a whole number in"):
        setup.with_changes({"s": 99})
    with pytest.raises(ValueError, match="no link field"):
        setup.with_changes({"stride": 2})
    with pytest.raises(ValueError, match="channels differ"):
        setup.with_changes({"k": np.ones((2, 3, 1))})


def test_tabs_by_word() -> None:
    setup = page_setup("cnn2d-downsampled")
    assert setup.tab_words == ("grid", "model")
    assert setup.kind() == "pool2d" and setup.kind("model") == "model"
    with pytest.raises(ValueError, match="no tab"):
        setup.tab("gradients")
    with pytest.raises(ValueError, match="unknown page"):
        page_setup("conv3d")
