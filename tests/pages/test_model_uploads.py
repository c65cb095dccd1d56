"""Hostile model files through the real pages' "Load a model" box (issue 17, items 1, 2, 4, 8).

Every file ends in one learner-facing message on the page, never an exception, and the page
keeps working; how long each takes and how much memory the bombs cost is measured outside the
tests (README's Limits, ``python -m benchmarks.worst_case``), except the bombs' memory, which a
fresh process reports here.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from app.core import limits
from app.widgets.training_controls import hp_key
from app.widgets.training_panel import panel_key
from cnndemo import persist
from cnndemo.models import build_model
from devtools.hostile_files import deep_json, edited_model, terabyte_npz, zip_bomb
from tests.pages.conftest import ROOT, open_page, texts, visible

PAGES = {3: ("pages/3_cnn1d_pooled.py", "s3"), 5: ("pages/5_cnn2d_pooled.py", "s5"),
         8: ("pages/8_cnn2d_downsampled.py", "p8m")}  # fmt: skip

GOOD_NPZ = persist.dumps(build_model(3), "npz")

# (file name, bytes, what the message must say): issue 17's files, sent to page 3.
HOSTILE_TEXT_FILES = [
    (
        "c.json",
        edited_model(3, {"channels": 10_000, "embedding_size": 10_000}),
        "channels = 10,000; this page allows 2 to 6",
    ),
    ("c.json", edited_model(3, {"channels": 20_000, "embedding_size": 20_000}), "channels"),
    ("c.json", edited_model(3, {"channels": 100_000}), "channels = 100,000"),
    ("c.json", edited_model(3, {"kernel_size": 10**8}), "kernel size = 100,000,000"),
    ("c.json", edited_model(3, {"kernel_size": 1e8}), "kernel size = 1e+08"),
    ("c.json", edited_model(3, input_size=[10**8]), "input size = 100,000,000"),
    ("c.json", edited_model(3, input_size=[10**9]), "input size = 1,000,000,000"),
    ("c.json", edited_model(3, {"channels": 10**400}), "more than 12 digits"),
    ("c.json", edited_model(3, {"embedding_size": 5}), "embedding size = 5"),
    ("c.json", edited_model(3, {"channels": 1}), "channels = 1"),
    ("c.json", edited_model(3, vocabulary=["w"] * 200), "200 words"),
    ("c.json", edited_model(3, {"seed": 1e9}), "seed must be a non-negative integer"),
    ("c.json", edited_model(5), "section 5 model; this page trains section 3"),
    ("bomb.npz", zip_bomb(), "lists 3,011 members; at most 16"),
    ("bomb.npz", zip_bomb(listings=1), "inflates to 104,857,600 bytes"),
    ("twice.npz", zip_bomb(listings=2, inflated=1000), "same member name more than once"),
    ("tb.npz", terabyte_npz(3), "does not hold the data its header declares"),
    ("deep.json", deep_json(), "nested more than 16 levels"),
    ("digits.json", b"[" + b"9" * 5000 + b"]", "number too long"),
    ("big.json", b" " * (limits.MAX_MODEL_FILE_BYTES + 1), "at most 262,144"),
    ("text.json", b"\xff\xfe not text", "not UTF-8"),
    ("empty.json", b"", "not valid JSON"),
    ("cut.npz", GOOD_NPZ[: len(GOOD_NPZ) // 2], "a damaged or cut-short zip"),
    (
        "flipped.npz",
        GOOD_NPZ[:200] + bytes([GOOD_NPZ[200] ^ 0xFF]) + GOOD_NPZ[201:],
        "cannot be read (the archive is damaged)",
    ),
]


def open_model_page(section: int):
    path, prefix = PAGES[section]
    at = open_page(path)
    if section == 8:  # the model is the page's second tab
        at.session_state["p8.tab"] = "Train the down-sampled CNN"
        at.run()
    at.session_state[panel_key(prefix, "run")] = None
    return at, prefix


def upload(at, prefix: str, name: str, data: bytes):
    uploader = next(u for u in at.get("file_uploader") if u.key == panel_key(prefix, "upload"))
    mime = "application/json" if name.endswith(".json") else "application/zip"
    return uploader.upload(name, data, mime).run()


def refused(at, prefix: str) -> str:
    """The page's error about the file; checks nothing was loaded and no exception shown."""
    assert not at.exception, [str(e.value)[:300] for e in at.exception]
    assert at.session_state[panel_key(prefix, "run")] is None
    errors = [visible(e.value) for e in at.error if "Could not use this model file" in e.value]
    assert len(errors) == 1, texts(at)
    assert len(errors[0]) < 400  # one short message, whatever the file held
    return errors[0]


def test_every_hostile_model_file_of_issue_17_ends_in_one_message():
    at, prefix = open_model_page(3)
    for name, data, expected in HOSTILE_TEXT_FILES:
        upload(at, prefix, name, data)
        assert expected in refused(at, prefix), name
    # The page still works after all of them: a real model file loads.
    upload(at, prefix, "good.json", edited_model(3))
    assert not at.exception
    assert at.session_state[panel_key(prefix, "run")].source == "loaded"


@pytest.mark.parametrize(
    ("section", "hyperparameters", "expected"),
    [
        (5, {"channels": 5}, "channels = 5; this page allows 1 to 4"),
        (5, {"kernel_size": [2, 8]}, "kernel size = 8"),
        (8, {"pool_size": [2, 7]}, "pool size = 7; this page allows 1 to 6"),
        (8, {"pool_stride": [1000, 2]}, "pool stride = 1,000"),
    ],
)
def test_image_pages_refuse_shapes_their_controls_cannot_show(section, hyperparameters, expected):
    at, prefix = open_model_page(section)
    upload(at, prefix, "m.json", edited_model(section, hyperparameters))
    assert expected in refused(at, prefix)
    upload(at, prefix, "bomb.npz", zip_bomb())
    assert "3,011 members" in refused(at, prefix)


def test_out_of_range_settings_are_clamped_with_a_note_for_every_one():
    path, prefix = PAGES[3]
    at = open_page(path)
    settings = {"learning_rate": 100.0, "momentum": 0.995, "init_scale": 5.0, "seed": 10**9,
                "epochs": 50_000}  # fmt: skip
    upload(at, prefix, "m.json", edited_model(3, settings))
    assert not at.exception
    assert at.session_state[panel_key(prefix, "run")].source == "loaded"
    notes = visible(" ".join(i.value for i in at.info))
    for expected in ("learning rate 100 is outside 0.0001..10, set to 10",
                     "momentum 0.995 is outside 0..0.99, set to 0.99",
                     "init scale 5 is outside 0.0001..2, set to 2",
                     "seed 1e+09 is outside 0..100000, set to 100000",
                     "epochs 50000 is outside 1..2000, set to 2000"):  # fmt: skip
        assert expected in notes
    assert at.number_input(key=hp_key(prefix, "momentum")).value == limits.MAX_MOMENTUM
    # Below the lowest value the controls take, the same.
    upload(at, prefix, "m.json", edited_model(3, {"learning_rate": 1e-6, "init_scale": 1e-6}))
    notes = visible(" ".join(i.value for i in at.info))
    assert "learning rate 1e-06 is outside 0.0001..10, set to 0.0001" in notes
    assert "init scale 1e-06 is outside 0.0001..2, set to 0.0001" in notes


def test_settings_within_range_load_without_a_note():
    path, prefix = PAGES[3]
    at = open_page(path)
    upload(at, prefix, "m.json", edited_model(3, {"learning_rate": 0.5, "seed": 7}))
    assert not at.exception
    assert not [i.value for i in at.info if "brought into the controls' ranges" in i.value]
    assert at.number_input(key=hp_key(prefix, "seed")).value == 7


# The page's own loader in a fresh process: peak memory for the two bombs of issue 17.
MEMORY_PROBE = """
import sys
from app.core.training_jobs import read_model_file
from cnndemo import data as data_mod
from devtools.hostile_files import peak_growth_kib, terabyte_npz, zip_bomb
content = {"bomb": zip_bomb, "terabyte": terabyte_npz}[sys.argv[1]]()
data = data_mod.text_data()
print(peak_growth_kib(lambda: read_model_file(content, 3, data)))
"""


@pytest.mark.parametrize("bomb", ["bomb", "terabyte"])
def test_the_bombs_cost_the_page_loader_no_memory(bomb):
    result = subprocess.run([sys.executable, "-c", MEMORY_PROBE, bomb], capture_output=True,
                            text=True, check=True, cwd=ROOT)  # fmt: skip
    assert int(result.stdout) < 20 * 1024  # KiB: well under the 100 MB member or the 8 TB array
