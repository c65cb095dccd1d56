"""app.core.training_jobs: chunked training equals one run; model files are checked; fingerprints."""

from __future__ import annotations

import pytest

from app.core import limits
from app.core import training_jobs as tj
from cnndemo import data as data_mod
from cnndemo import persist
from cnndemo.models import default_hyperparameters
from cnndemo.optim import make_optimizer
from cnndemo.train import train_section


def test_stop_request_between_chunks_ends_training_early():
    data = data_mod.text_data()
    hp = default_hyperparameters(3)
    model = tj.build_for_data(3, data, hp)
    job = tj.TrainingJob(
        3, hp, "fp", model, make_optimizer("momentum", 1.0, 0.9), data, 1000, 40, watch=True
    )
    tj.train_chunk(job)
    assert 0 < len(job.errors) < 1000 and len(job.errors) % 40 == 0
    job.stop_requested = True
    # chunked training equals one uninterrupted run up to the stopping point
    reference = train_section(3, epochs=len(job.errors))
    assert job.errors == reference.errors
    assert job.final.probabilities.tolist() == reference.final.probabilities.tolist()


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"not json", "nor valid JSON"),
        (b'{"format": "other", "weights": {}}', "not a cnndemo model file"),
        (b"x" * (limits.MAX_MODEL_FILE_BYTES + 1), "bytes; model files are at most"),
    ],
)
def test_bad_model_files_raise_model_file_errors(content, fragment):
    with pytest.raises(persist.ModelFileError, match=fragment):
        tj.read_model_file(content, 3, data_mod.text_data())


def test_a_model_of_another_section_or_vocabulary_is_refused():
    section4 = persist.dumps(train_section(4, epochs=1).model)
    with pytest.raises(persist.ModelFileError, match="section 4 model"):
        tj.read_model_file(section4, 3, data_mod.text_data())
    model = persist.dumps(train_section(3, epochs=1).model)
    other = data_mod.text_data(["you love it"], [1])
    with pytest.raises(persist.ModelFileError, match="unknown word"):
        tj.read_model_file(model, 3, other)


def test_fingerprint_changes_with_data_and_hyperparameters():
    hp = default_hyperparameters(3)
    data = data_mod.text_data()
    base = tj.fingerprint(3, data, hp)
    assert base == tj.fingerprint(3, data_mod.text_data(), dict(hp))
    assert base != tj.fingerprint(3, data, {**hp, "seed": 1})
    assert base != tj.fingerprint(3, data_mod.text_data(["i like it <PAD>"], [0]), hp)
    assert tj.snapshot_every(1000) == 40 and tj.snapshot_every(1) == 1
