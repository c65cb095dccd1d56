"""Get the code: any section page's setup as a NumPy script and a PyTorch script.

``export_code(page, tab, state, weights=None)`` -> ``ExportedCode`` for a page id and tab
(``app.core.page_setups``) and the page's link state:

- convolution and pooling tabs: ``app.core.export_conv`` (page 1, page 2's grids),
  ``export_picture`` (page 2's pictures), ``export_pool`` (page 8's grid), the output computed
  with plain loops or ``torch.nn.functional`` (a Gradients tab gives its forward convolution);
- training tabs (sections 3-8): ``app.core.export_model_numpy`` / ``export_model_torch``, the
  model trained from its seed as the page trains it, or, with ``weights`` (the current run's
  ``model.named_parameters()``; only a run of this very setup, never a stale one), the page's
  trained model.

Each script is self-contained (NumPy only; PyTorch and NumPy), holds the setup as literals
(numbers, whitelisted words and quoted text: ``app.core.export_literals``) and prints the
numbers the page shows, ending with a line ``output = [...]`` or ``probabilities = [...]``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from app.core.export_conv import conv_scripts
from app.core.export_model_numpy import numpy_model_script
from app.core.export_model_parts import model_export
from app.core.export_model_torch import torch_model_script
from app.core.export_picture import picture_scripts
from app.core.export_pool import pool_scripts
from app.core.model_page_setups import model_setup
from app.core.page_setups import page_setup


@dataclass(frozen=True)
class ExportedCode:
    """The two scripts of one page setup and the names to download them under."""

    numpy: str
    torch: str
    stem: str

    @property
    def numpy_name(self) -> str:
        return f"{self.stem}_numpy.py"

    @property
    def torch_name(self) -> str:
        return f"{self.stem}_pytorch.py"


def export_code(
    page: str,
    tab: str | None,
    state: Mapping[str, Any],
    weights: Mapping[str, np.ndarray] | None = None,
) -> ExportedCode:
    """Both scripts of ``page``'s ``tab`` (the first tab when None) for its link ``state``.

    Raises
    ------
    ValueError
        A setup the engine refuses (a kernel larger than its input, data it cannot read) or
        weights that do not belong to the model; the page shows the message instead of code.
    """
    setup = page_setup(page)
    kind = setup.tab(tab).code_kind
    stem = f"cnndemo_section{setup.section}_{setup.tab(tab).word}"
    if kind != "model":
        writer = {"picture": picture_scripts, "pool2d": pool_scripts}.get(kind)
        scripts = writer(state) if writer else conv_scripts(kind, state)
        return ExportedCode(*scripts, stem)
    section, data, hp = model_setup(page, state)
    export = model_export(section, data, hp, weights)
    return ExportedCode(numpy_model_script(export), torch_model_script(export), stem)
