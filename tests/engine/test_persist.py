"""Save/load: round trips through JSON and .npz (path, file object, bytes); malformed files give
clear errors."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest

from cnndemo import persist
from cnndemo.persist import ModelFileError
from cnndemo.train import train_section


@pytest.fixture(scope="module")
def trained():
    return {s: train_section(s, epochs=60, seed=2).model for s in (3, 4, 5, 6, 7, 8)}


def same_model(a, b) -> None:
    assert a.section == b.section
    assert a.hyperparameters == b.hyperparameters
    assert a.vocabulary == b.vocabulary and a.input_size == b.input_size
    assert a.named_parameters().keys() == b.named_parameters().keys()
    for name, value in a.named_parameters().items():
        np.testing.assert_array_equal(value, b.named_parameters()[name])


@pytest.mark.parametrize("fmt", ["json", "npz"])
@pytest.mark.parametrize("section", [3, 4, 5, 6, 7, 8])
def test_bytes_round_trip_restores_weights_hyperparameters_and_vocabulary(trained, section, fmt):
    model = trained[section]
    loaded = persist.loads(persist.dumps(model, fmt))
    same_model(model, loaded)


def test_round_trip_keeps_predictions(trained):
    model = trained[3]
    loaded = persist.load(persist.dumps(model, "npz"))
    sentences = ["i like it <PAD>", "i don't hate it it"]
    np.testing.assert_array_equal(model.predict_proba(sentences), loaded.predict_proba(sentences))


@pytest.mark.parametrize("suffix", [".json", ".npz"])
def test_save_to_a_path_picks_the_format_from_the_extension(trained, tmp_path, suffix):
    path = tmp_path / f"model{suffix}"
    persist.save(trained[8], path)
    head = path.read_bytes()[:2]
    assert (head == b"PK") == (suffix == ".npz")
    same_model(trained[8], persist.load(path))
    same_model(trained[8], persist.load(str(path)))


def test_save_and_load_through_file_objects_as_a_page_upload_would(trained):
    buffer = io.BytesIO()
    persist.save(trained[7], buffer, format="npz")
    buffer.seek(0)
    same_model(trained[7], persist.load(buffer))


def test_json_file_is_readable_and_documents_itself(trained):
    doc = json.loads(persist.dumps(trained[3]))
    assert doc["format"] == "cnndemo-model" and doc["version"] == 1 and doc["section"] == 3
    assert doc["vocabulary"] == ["<PAD>", "don't", "hate", "i", "it", "like"]
    assert doc["hyperparameters"]["epochs"] == 60
    assert np.shape(doc["weights"]["conv1.kernel"]) == (2, 2, 2)


def test_npz_is_read_without_pickle(trained, tmp_path):
    with np.load(io.BytesIO(persist.dumps(trained[5], "npz")), allow_pickle=False) as archive:
        assert "__meta__" in archive.files and "dense.weights" in archive.files


def corrupt_json(model, change) -> bytes:
    doc = json.loads(persist.dumps(model))
    change(doc)
    return json.dumps(doc).encode()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(format="other"), "not a cnndemo model file"),
        (lambda d: d.update(version=99), "unsupported model file version 99"),
        (lambda d: d.pop("section"), "lacks the 'section'"),
        (lambda d: d.update(section=12), "invalid model"),
        (lambda d: d["hyperparameters"].update(pool="sum"), "pool must be one of"),
        (lambda d: d["hyperparameters"].update(colour="red"), "no hyper-parameter"),
        (lambda d: d["weights"].pop("conv1.bias"), r"missing \['conv1.bias'\]"),
        (lambda d: d["weights"].update(extra=[1]), r"unexpected \['extra'\]"),
        (lambda d: d["weights"].update({"conv1.bias": [1, 2, 3]}), r"shape \(3,\).*\(2,\)"),
        (lambda d: d["weights"].update({"conv1.bias": ["a", "b"]}), "not an array of numbers"),
        (lambda d: d["weights"].update({"dense.bias": [float("nan")]}), "NaN"),
        (lambda d: d.update(vocabulary=[1, 2]), "vocabulary"),
        (lambda d: d.pop("weights"), "lacks a 'weights'"),
    ],
)
def test_malformed_json_files_fail_with_a_clear_message(trained, change, message):
    with pytest.raises(ModelFileError, match=message):
        persist.loads(corrupt_json(trained[3], change))


def test_garbage_and_truncated_files_fail_with_a_clear_message(trained):
    with pytest.raises(ModelFileError, match="neither an .npz archive nor valid JSON"):
        persist.loads(b"\x00\x01 not a model")
    with pytest.raises(ModelFileError, match="top level"):
        persist.loads(b"[1, 2]")
    with pytest.raises(ModelFileError, match="cannot read the .npz"):
        persist.loads(persist.dumps(trained[5], "npz")[:60])


def test_npz_holding_pickled_objects_is_refused(tmp_path):
    buffer = io.BytesIO()
    np.savez(buffer, __meta__=np.array([{"a": 1}], dtype=object))
    with pytest.raises(ModelFileError, match="cannot read the .npz"):
        persist.loads(buffer.getvalue())


def test_npz_without_metadata_is_refused():
    buffer = io.BytesIO()
    np.savez(buffer, weights=np.zeros(3))
    with pytest.raises(ModelFileError, match="lacks its '__meta__'"):
        persist.loads(buffer.getvalue())


def test_unknown_format_is_rejected(trained):
    with pytest.raises(ValueError, match="format must be"):
        persist.dumps(trained[3], "pickle")
