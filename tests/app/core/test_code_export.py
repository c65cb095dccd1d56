"""Get the code: every page's exported scripts, run in a subprocess, print the page's numbers.

For every tab of every section page, on its default setup and on a changed one (strides,
SAME padding, dilation, other pooling, activations, optimisers, data), the NumPy script is
executed and its printed numbers are compared with the engine's (``app.core.page_outcomes``);
for the training tabs also the script holding the trained weights. The PyTorch scripts get the
same assertions when torch is importable (it is not a dependency of the app).
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys

import numpy as np
import pytest

from app.core.code_export import ExportedCode, export_code
from app.core.image_sets import set_from_link
from app.core.page_outcomes import outcome
from app.core.page_setups import PAGES, page_setup
from app.core.presets import classic_kernel
from app.core.sentences import clean_sentences, sentence_codes

RNG = np.random.default_rng(7)
SENTENCES = [("i like it", 1), ("i hate it", 0), ("i don't hate it", 1), ("i don't like it", 0),
             ("you like it a lot", 1)]  # fmt: skip
TEXT, LABELS, _, _ = clean_sentences(SENTENCES)
TUTORIAL_IMAGES = page_setup("cnn2d-flat").defaults()
RELABELLED = TUTORIAL_IMAGES["lab"].copy()
RELABELLED[8] = 1.0

CHANGED = {
    ("conv1d", "vectors"): {"x": RNG.integers(-5, 6, (5, 2)).astype(float),
                            "k": RNG.integers(-3, 4, (2, 2, 3)).astype(float) / 2,
                            "s": 2, "p": "same", "d": 2},
    ("conv1d", "scalar"): {"v": np.arange(7.0) ** 2, "w": np.array([1.0, 2.0, -1.5]), "vs": 2,
                           "vp": "same"},
    ("conv2d", "grids"): {"x": RNG.normal(size=(5, 6, 2)), "k": RNG.normal(size=(3, 2, 2, 2)),
                          "sy": 2, "sx": 1, "p": "same", "d": 2},
    ("conv2d", "pictures"): {"ik": classic_kernel("edge (Laplacian)"), "is": 3, "ip": "valid",
                             "act": "relu"},
    ("cnn2d-downsampled", "grid"): {"x": RNG.integers(0, 9, (5, 5, 2)).astype(float), "ky": 3,
                                    "kx": 2, "sy": 2, "sx": 2, "k": "avg", "p": "same"},
    ("cnn1d-pooled", "main"): {"t": sentence_codes(TEXT), "y": np.array(LABELS, float),
                               "pool": "avg", "init": 0.5, "opt": "adam", "lr": 0.05, "ep": 300,
                               "act": "tanh", "em": 3, "ch": 3},
    ("cnn1d-flat", "main"): {"opt": "sgd", "lr": 5.0, "ep": 300, "act": "relu", "em": 1,
                             "ch": 3, "seed": 2},
    ("cnn2d-pooled", "main"): {"pool": "min", "act": "relu", "ch": 3, "opt": "adam", "lr": 0.05,
                               "ep": 300, "seed": 4},
    ("cnn2d-flat", "main"): {"lab": RELABELLED, "act": "tanh", "ep": 400, "init": 0.3},
    ("cnn2d-two-layers", "main"): {"ch": 3, "ch2": 2, "act": "tanh", "opt": "sgd", "lr": 2.0,
                                   "ep": 300, "seed": 5},
    ("cnn2d-downsampled", "model"): {"pool": "avg", "mpy": 1, "mpx": 2, "msy": 1, "msx": 1,
                                     "opt": "adam", "lr": 0.05, "ep": 300},
}  # fmt: skip
# The machine's cores are shared: a BLAS or OpenMP pool per script only adds contention.
ONE_THREAD = os.environ | {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
}
TABS = [(page, tab.word) for page, setup in PAGES.items() for tab in setup.tabs
        if tab.kind != "gradients"]  # fmt: skip
CASES = [(page, tab, changed) for page, tab in TABS for changed in (False, True)]


def state_of(page: str, tab: str, changed: bool) -> dict:
    setup = page_setup(page)
    return setup.with_changes(CHANGED[(page, tab)]) if changed else setup.defaults()


def printed(script: str, tmp_path, name: str) -> dict[str, object]:
    """Run ``script`` alone in a fresh interpreter; its ``name = value`` lines, parsed."""
    path = tmp_path / name
    path.write_text(script)
    done = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=600,
                          cwd=tmp_path, env=ONE_THREAD)  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    values = {}
    for line in done.stdout.splitlines():
        key, sep, value = line.partition(" = ")
        if sep and key.replace(" ", "").replace("8th", "").isalpha():
            values[key] = ast.literal_eval(value)
    return values


def assert_page_numbers(values: dict, page: str, tab: str, state: dict, run=None) -> None:
    expected = outcome(page, tab, state)
    assert expected.error is None
    if page_setup(page).kind(tab) == "model":
        run = run or expected.run
        np.testing.assert_allclose(
            values["probabilities"], run.final.probabilities, rtol=0, atol=1e-9
        )
        np.testing.assert_allclose(values["error"], run.final.error, rtol=1e-9, atol=1e-12)
    elif page_setup(page).kind(tab) == "picture":
        feature = expected.output
        np.testing.assert_allclose(values["every 8th row and column"], feature[::8, ::8], atol=1e-9)
        assert values["smallest value"] == pytest.approx(feature.min(), abs=1e-9)
        assert values["largest value"] == pytest.approx(feature.max(), abs=1e-9)
    else:
        np.testing.assert_allclose(values["output"], expected.output, rtol=1e-12, atol=1e-9)


@pytest.mark.parametrize(("page", "tab", "changed"), CASES)
def test_numpy_script_prints_the_page_numbers(page, tab, changed, tmp_path) -> None:
    state = state_of(page, tab, changed)
    code = export_code(page, tab, state)
    assert "import torch" not in code.numpy and "cnndemo import" not in code.numpy
    assert_page_numbers(printed(code.numpy, tmp_path, code.numpy_name), page, tab, state)


TRAINING = [(page, tab) for page, tab in TABS if page_setup(page).kind(tab) == "model"]


@pytest.mark.parametrize(("page", "tab"), TRAINING)
def test_numpy_script_of_a_trained_model(page, tab, tmp_path) -> None:
    state = state_of(page, tab, True)
    run = outcome(page, tab, state).run
    code = export_code(page, tab, state, run.model.named_parameters())
    assert "for epoch in range" not in code.numpy
    assert_page_numbers(printed(code.numpy, tmp_path, code.numpy_name), page, tab, state, run)


@pytest.mark.parametrize(("page", "tab", "changed"), CASES)
def test_torch_script_prints_the_page_numbers(page, tab, changed, tmp_path) -> None:
    pytest.importorskip("torch")
    state = state_of(page, tab, changed)
    code = export_code(page, tab, state)
    assert "channels first" in code.torch
    assert_page_numbers(printed(code.torch, tmp_path, code.torch_name), page, tab, state)


@pytest.mark.parametrize(("page", "tab"), TRAINING)
def test_torch_script_of_a_trained_model(page, tab, tmp_path) -> None:
    pytest.importorskip("torch")
    state = state_of(page, tab, False)
    run = outcome(page, tab, state).run
    code = export_code(page, tab, state, run.model.named_parameters())
    assert_page_numbers(printed(code.torch, tmp_path, code.torch_name), page, tab, state, run)


def test_text_from_a_setup_stays_text(tmp_path) -> None:
    hostile = "i \"'); print('PWNED'); ('\\\\n"
    state = page_setup("cnn1d-flat").defaults()
    state["t"] = sentence_codes([hostile, "i hate it <PAD>", "i don't hate it", "i don't like it"])
    code = export_code("cnn1d-flat", None, state | {"ep": 5})
    path = tmp_path / "hostile.py"
    path.write_text(code.numpy)
    done = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=600,
                          env=ONE_THREAD)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "PWNED" not in [line.strip() for line in done.stdout.splitlines()]
    assert done.stdout.splitlines()[1].startswith(hostile)


@pytest.mark.parametrize(
    ("page", "change"),
    [("conv1d", {"p": "same; import os"}), ("conv2d", {"act": "sigmoid"}),
     ("conv1d", {"x": np.array([[np.nan]]), "k": np.ones((1, 1, 1))})],
)  # fmt: skip
def test_only_numbers_and_known_words_are_written(page, change) -> None:
    state = page_setup(page).defaults() | change
    tab = "pictures" if "act" in change else None
    with pytest.raises(ValueError):
        export_code(page, tab, state)


def test_names_and_bad_weights() -> None:
    code = export_code("conv2d", "pictures", page_setup("conv2d").defaults())
    assert isinstance(code, ExportedCode)
    assert code.numpy_name == "cnndemo_section2_pictures_numpy.py"
    assert code.torch_name == "cnndemo_section2_pictures_pytorch.py"
    state = page_setup("cnn2d-flat").defaults()
    with pytest.raises(ValueError, match="do not belong"):
        export_code("cnn2d-flat", None, state, {"conv1.kernel": np.ones((2, 2, 1, 2))})
    assert set_from_link(state["img"], state["lab"]).size == (3, 3)


@pytest.mark.parametrize("page", ["conv1d", "conv2d"])
def test_a_gradients_tab_gives_its_forward_convolution(page) -> None:
    state = page_setup(page).defaults()
    forward = export_code(page, None, state)
    gradients = export_code(page, "grads", state)
    assert gradients.numpy == forward.numpy and gradients.torch == forward.torch
    assert gradients.numpy_name.endswith("_grads_numpy.py")
