"""Every section page's setup as plain data: its tabs, link schema, link fields and defaults.

One registry for the teaching tools (exercises, teacher links, exact links, code export): a
page is named by its page id (``PAGE`` in pages/N_name.py, e.g. ``"conv1d"``), its setup is its
share link's state (field name -> value, as ``app.core.share.decode`` returns it), and its
tabs by short words (``"vectors"``, ``"scalar"``; pages without tabs have one, ``"main"``).

- ``PAGES``: page id -> ``PageSetup``; ``page_setup(page)``;
- ``PageSetup.defaults()``: the link state the page opens with;
- ``PageSetup.with_changes(changes)``: the defaults with some fields changed, checked against
  the page's schema exactly as a link would be (so an exercise's setup is a valid link);
- ``PageSetup.kind(tab)``: what the tab computes: ``"conv1d"``, ``"conv1d_scalar"``,
  ``"conv2d"``, ``"picture"``, ``"pool2d"`` (``OUTPUT_KINDS``), ``"model"`` or ``"gradients"``
  (pages 1 and 2's Gradients tabs: no output to check; their code is the forward convolution's).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from app.core.controls import Controls
from app.core.conv_page_setups import (
    CONV1D_CONTROLS,
    CONV1D_SCHEMA,
    CONV2D_CONTROLS,
    CONV2D_SCHEMA,
    conv1d_defaults,
    conv2d_defaults,
)
from app.core.model_page_setups import MODEL_PAGES, ModelPage
from app.core.share import Schema, ShareError, decode, encode

OUTPUT_KINDS = ("conv1d", "conv1d_scalar", "conv2d", "picture", "pool2d")
"""Tab kinds whose numbers are an output array (checks read its cells and shape)."""


@dataclass(frozen=True)
class Tab:
    """One tab of a page: its link word, the page's label for it, what it computes and whose
    script "Get the code" gives (the Gradients tabs: their forward convolution's)."""

    word: str
    label: str
    kind: str
    code_kind: str = ""

    def __post_init__(self) -> None:
        if not self.code_kind:
            object.__setattr__(self, "code_kind", self.kind)


@dataclass(frozen=True)
class PageSetup:
    """One section page.

    Attributes
    ----------
    page : str
        The page id (``PAGE`` of its file), also the teacher link's and exact link's page name.
    section : int
    tabs : tuple of Tab
        In the page's order; the first is open when the page opens.
    schema : Schema
        The page's share-link schema.
    defaults : callable
        () -> the link state the page opens with.
    controls : Controls
        Every control of the link (their ``field`` names what exercises hide or lock).
    """

    page: str
    section: int
    tabs: tuple[Tab, ...]
    schema: Schema
    defaults: Callable[[], dict[str, Any]]
    controls: Controls

    @property
    def tab_words(self) -> tuple[str, ...]:
        return tuple(tab.word for tab in self.tabs)

    def tab(self, word: str | None = None) -> Tab:
        """The tab called ``word`` (the first one when None)."""
        if word is None:
            return self.tabs[0]
        for tab in self.tabs:
            if tab.word == word:
                return tab
        raise ValueError(f"page {self.page} has no tab {word!r}; it has {list(self.tab_words)}")

    def kind(self, word: str | None = None) -> str:
        return self.tab(word).kind

    @property
    def model_page(self) -> ModelPage | None:
        """The training part of the page (None on pages 1 and 2)."""
        return MODEL_PAGES.get(self.page)

    @property
    def fields(self) -> tuple[str, ...]:
        """Every field name of the page's link."""
        return self.schema.names

    def field_label(self, name: str) -> str:
        """What the page calls link field ``name`` (its control's or table's label)."""
        for control in self.controls:
            if control.field == name:
                return control.label
        for tensor in self.controls.tensors:
            if tensor.field == name:
                return tensor.label
        return DATA_LABELS.get(name, name)

    def with_changes(self, changes: Mapping[str, Any]) -> dict[str, Any]:
        """The defaults with ``changes`` applied, round-tripped through the page's link schema.

        Raises
        ------
        ValueError
            A field the page does not have, or a state its link would refuse (the schema's
            message: a value out of range, a kernel whose channels differ from the input's...).
        """
        unknown = sorted(set(changes) - set(self.fields))
        if unknown:
            raise ValueError(f"page {self.page} has no link field(s) {unknown}")
        try:
            params = encode(self.defaults() | dict(changes), self.schema)
        except ShareError as error:
            raise ValueError(str(error)) from error
        state, errors = decode(params, self.schema)
        if errors:
            raise ValueError("; ".join(errors))
        return state


_MAIN = "main"
DATA_LABELS = {"t": "the sentences", "y": "the sentence labels", "img": "the images",
               "lab": "the image labels", "pad": "the drawing"}  # fmt: skip
"""Labels of the training pages' data fields (they have no control)."""


def _model_setup(spec: ModelPage, tabs: tuple[Tab, ...]) -> PageSetup:
    return PageSetup(spec.page, spec.section, tabs, spec.schema, spec.defaults, spec.controls)


PAGES: dict[str, PageSetup] = {
    setup.page: setup
    for setup in (
        PageSetup(
            "conv1d", 1,
            (Tab("vectors", "Sequences of vectors", "conv1d"),
             Tab("scalar", "The scalar case (1 channel)", "conv1d_scalar"),
             Tab("grads", "Gradients", "gradients", "conv1d")),
            CONV1D_SCHEMA, conv1d_defaults, CONV1D_CONTROLS,
        ),
        PageSetup(
            "conv2d", 2,
            (Tab("grids", "Grids of vectors", "conv2d"), Tab("pictures", "Pictures", "picture"),
             Tab("grads", "Gradients", "gradients", "conv2d")),
            CONV2D_SCHEMA, conv2d_defaults, CONV2D_CONTROLS,
        ),
        *(
            _model_setup(spec, (Tab(_MAIN, "", "model"),))
            for spec in MODEL_PAGES.values()
            if spec.section != 8
        ),
        _model_setup(
            MODEL_PAGES["cnn2d-downsampled"],
            (Tab("grid", "Down-sampling a grid", "pool2d"),
             Tab("model", "Train the down-sampled CNN", "model")),
        ),
    )
}  # fmt: skip
"""Every section page (1-8) by page id."""


def page_setup(page: str) -> PageSetup:
    """The setup of page ``page``; ValueError naming the pages for an unknown id."""
    if page not in PAGES:
        raise ValueError(f"unknown page {page!r}; the pages are {sorted(PAGES)}")
    return PAGES[page]
