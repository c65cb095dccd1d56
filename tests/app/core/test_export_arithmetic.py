"""Page 9's exported scripts print the sizes the page shows: the output-size tab's table (every
padding) and each guide relationship's engine size, each checked in the script by running the
convolution (``app.core.export_arithmetic``); the cross-correlation script also prints the
convolution."""

from __future__ import annotations

import numpy as np
import pytest

from app.core.code_export import export_code
from app.core.conv_arithmetic import padding_rows
from app.core.export_arithmetic import SIZE_NAMES
from app.core.guide_relationships import PARAMS, RELATIONSHIPS, example
from app.core.page_setups import page_setup
from tests.app.core.test_code_export import printed

SETUP = page_setup("conv-arithmetic")
SIZE_CASES = [{}, {"n": 9, "k": 4, "s": 3, "d": 2, "pm": "same", "p": 2},
              {"n": 2, "k": 5, "s": 1, "pm": "valid", "p": 3}]  # fmt: skip


@pytest.mark.parametrize("changes", SIZE_CASES)
@pytest.mark.parametrize("which", ["numpy", "torch"])
def test_the_size_table_is_printed(changes, which, tmp_path) -> None:
    if which == "torch":
        pytest.importorskip("torch")
    state = SETUP.with_changes(changes)
    code = export_code("conv-arithmetic", "size", state)
    # With no VALID window (the third case) the script still prints the table.
    values = printed(getattr(code, which), tmp_path, "sizes.py")
    rows = padding_rows(state["n"], state["k"], state["s"], state["d"], state["p"])
    assert values["sizes"] == {name: row.out for name, row in zip(SIZE_NAMES, rows, strict=True)}
    assert values["output size"] == len(values["output"])


@pytest.mark.parametrize("relationship", RELATIONSHIPS, ids=lambda r: str(r.number))
def test_every_guide_relationship_prints_the_engine_size(relationship, tmp_path) -> None:
    state = SETUP.with_changes({"rel": str(relationship.number), "gi": 7, "gk": 3, "gs": 2})
    code = export_code("conv-arithmetic", "guide", state)
    values = printed(code.numpy, tmp_path, "guide.py")
    ex = example(relationship, {name: state["g" + name] for name in PARAMS})
    assert values["output size"] == ex.engine


def test_the_flip_script_prints_the_convolution(tmp_path) -> None:
    state = SETUP.defaults()
    values = printed(export_code("conv-arithmetic", "flip", state).numpy, tmp_path, "flip.py")
    x, w = state["cv"], state["cw"]
    expected = [float(x[t : t + len(w)] @ w[::-1]) for t in range(len(x) - len(w) + 1)]
    np.testing.assert_allclose(values["convolution"], expected)


def test_settings_without_an_output_give_a_message() -> None:
    with pytest.raises(ValueError):
        export_code("conv-arithmetic", "transposed", SETUP.with_changes({"tpm": "same", "ta": 1}))
    with pytest.raises(ValueError, match="longer"):
        export_code(
            "conv-arithmetic", "flip", SETUP.with_changes({"cw": np.ones(7)}) | {"cv": np.ones(3)}
        )
