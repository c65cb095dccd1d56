"""Model plans: every layer's shapes from integers, checked against the engine's bounds before
anything is allocated. Oracle: the built model's own arrays."""

from __future__ import annotations

import json
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest

from cnndemo import bounds
from cnndemo.model_plan import plan_model
from cnndemo.models import SECTIONS, build_model
from cnndemo.persist import ModelFileError, dumps, loads
from cnndemo.train import make_data

ROOT = Path(__file__).resolve().parents[2]

VARIANTS = [
    (3, {}),
    (3, {"embedding_size": 3, "channels": 4, "padding": "same", "kernel_size": 3}),
    (4, {"kernel_size": 3, "conv_stride": 2}),
    (5, {"padding": "same"}),
    (6, {"kernel_size": [2, 3], "channels": 3, "conv_stride": [1, 2]}),
    (7, {"second_channels": 3, "second_kernel_size": [1, 2]}),
    (8, {"pool_size": [1, 2], "pool_stride": 1}),
]

# Issue 17, item 1: hand-edited model files that made build_model allocate gigabytes.
HOSTILE = [
    (3, {"channels": 10_000, "embedding_size": 10_000}, "channels is 10000"),
    (3, {"channels": 20_000, "embedding_size": 20_000}, "channels is 20000"),
    (3, {"kernel_size": 10**8}, "kernel_size is 100000000"),
    (3, {"input_size": [10**8]}, "has a side of 100000000"),
    (6, {"channels": 10**5}, "channels is 100000"),
    (5, {"input_size": [10**9, 1]}, "has a side of 1000000000"),
    # Each value within its own bound, together far beyond the parameter or activation bound.
    (7, {"channels": 1024, "second_channels": 1024}, "would hold 4,200,448 parameters"),
    (3, {"channels": 1024, "embedding_size": 1024, "input_size": [4096]}, "embedding would"),
    (5, {"channels": 64, "input_size": [200, 200]}, "the output of conv1 would hold 199x199x64"),
    (6, {"kernel_size": [60, 60], "input_size": [200, 200]}, "the window matrix of conv1"),
    (3, {"vocabulary": [f"w{i}" for i in range(20_000)]}, "vocabulary has 20000 tokens"),
]


@pytest.mark.parametrize(("section", "options"), VARIANTS)
def test_planned_shapes_are_the_built_models_shapes(section, options):
    model = build_model(section, **options)
    plan = plan_model(section, **options)
    assert plan.parameter_count == model.parameters.size
    for layer_plan, layer in zip(plan.layers, model.layers, strict=True):
        assert dict(layer_plan.parameters) == {k: v.shape for k, v in layer.params.items()}
    data = make_data(section)
    model.forward(data.inputs)
    outputs = [out.shape[1:] for out in model._outputs]
    assert outputs == [layer_plan.output_shape for layer_plan in plan.layers]


def test_a_plan_reads_the_vocabulary_and_input_size_it_is_given():
    plan = plan_model(4, vocabulary_size=9, input_size=[7], kernel_size=3)
    assert plan.layers[0].parameters == (("weights", (9, 2)),)
    assert plan.layers[1].output_shape == (5, 2)
    assert plan.layers[-1].input_shape == (10,)


def test_a_window_larger_than_its_input_names_the_layer_and_axis():
    with pytest.raises(ValueError, match="conv2, along the width: window size 3 is larger"):
        plan_model(7, second_kernel_size=[1, 3])


@pytest.mark.parametrize("section", SECTIONS)
def test_the_tutorial_defaults_still_build(section):
    assert build_model(section).parameters.size == plan_model(section).parameter_count < 40


@pytest.mark.parametrize(("section", "options", "message"), HOSTILE)
def test_hostile_hyperparameters_are_refused_before_anything_is_allocated(
    section, options, message
):
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match=message):
            build_model(section, **options)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000  # bytes: the list of 20,000 words above is the largest thing here


def test_hostile_model_file_is_refused_with_a_flat_peak_memory_in_a_fresh_process():
    doc = json.loads(dumps(build_model(3)))
    doc["hyperparameters"].update(channels=10_000, embedding_size=10_000)
    script = (
        "import resource, sys\n"
        "from cnndemo.persist import ModelFileError, loads\n"
        "data = sys.stdin.buffer.read()\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "try:\n"
        "    loads(data)\n"
        "except ModelFileError as error:\n"
        "    print(error, file=sys.stderr)\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        input=json.dumps(doc).encode(),
        capture_output=True,
        cwd=ROOT,
        check=True,
        timeout=60,
    )
    assert "channels is 10000, above the engine's bound of 1024" in done.stderr.decode()
    assert int(done.stdout) < 10_000  # KiB of peak RSS growth; it was 6 GB before the bounds


def test_a_model_file_beyond_the_bounds_is_a_model_file_error():
    doc = json.loads(dumps(build_model(8)))
    doc["input_size"] = [4096, 4096]
    with pytest.raises(ModelFileError, match="the input would hold 4096x4096x1"):
        loads(json.dumps(doc).encode())


def test_pooled_models_refuse_inputs_beyond_the_activation_bound_before_running():
    model = build_model(5)
    model.check_input_size((400, 400))
    with pytest.raises(ValueError, match="the output of conv1 would hold"):
        model.check_input_size((1000, 1000))


def test_a_model_just_under_the_parameter_bound_builds_and_one_just_over_is_refused():
    words = [f"w{i}" for i in range(9000)]
    model = build_model(3, vocabulary=words, embedding_size=100)
    assert model.parameters.size == 9000 * 100 + 2 * 100 * 2 + 2 + 2 + 1
    with pytest.raises(ValueError, match="above the engine's bound of 1,000,000"):
        plan_model(3, vocabulary_size=len(words), embedding_size=112)
    assert bounds.MAX_PARAMETERS == 1_000_000
