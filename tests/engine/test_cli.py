"""run_section and the ``python -m cnndemo section N`` wrapper (run as a subprocess)."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from cnndemo.sections import format_report, run_section

ROOT = Path(__file__).resolve().parents[2]


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cnndemo", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


def test_section_1_gives_the_worked_1d_convolution():
    report = run_section(1)
    assert report["output"] == [[[2360, 2480], [3485, 3680]]]
    assert report["output_shape"] == [1, 2, 2]


def test_section_2_gives_the_worked_2d_convolution_and_takes_a_stride():
    report = run_section(2)
    assert report["output"] == [[[[8680], [9580], [10480]], [[12280], [13180], [14080]]]]
    assert run_section(2, stride=(1, 2))["output_shape"] == [1, 2, 2, 1]


def test_worked_convolutions_reject_training_options():
    with pytest.raises(ValueError, match="takes only stride and padding.*epochs"):
        run_section(1, epochs=5)


@pytest.mark.parametrize(
    ("section", "windows", "examples"),
    [(3, "bigram_vectors", "sentence_vectors"), (6, "region_vectors", "image_vectors")],
)
def test_training_sections_report_errors_predictions_and_vectors(section, windows, examples):
    report = run_section(section, epochs=40, seed=1)
    assert {"section", "title", "hyperparameters", "errors", "final_error", "predictions"} <= set(
        report
    )
    assert len(report["errors"]) == 40
    assert report["errors"][0] == pytest.approx(math.log(2), abs=5e-3)
    assert report["hyperparameters"]["seed"] == 1
    first = report["predictions"][0]
    assert set(first) == {"input", "target", "probability"}
    assert first["input"] == ("i like it <PAD>" if section == 3 else "###/   /   ")
    assert first["target"] == 1
    assert all(len(v) == 2 for v in report[windows].values())
    assert len(report[examples]) == len(report["predictions"])
    json.dumps(report)  # JSON-ready


def test_overrides_reach_the_model():
    report = run_section(5, epochs=3, learning_rate=0.5, momentum=0.5, pool="avg")
    hp = report["hyperparameters"]
    assert (hp["learning_rate"], hp["momentum"], hp["pool"], hp["epochs"]) == (0.5, 0.5, "avg", 3)
    with pytest.raises(ValueError, match="no pooling layer"):
        run_section(6, pool="min")


def test_text_report_prints_errors_every_100_epochs_and_each_example():
    report = run_section(4, epochs=250)
    text = format_report(report)
    # As the tutorial's scripts: "epoch 100" is the 100th step's error (after 99 updates), and
    # there is no "epoch 0" line.
    assert f"epoch   100  error {report['errors'][99]:.6f}" in text
    assert f"epoch   200  error {report['errors'][199]:.6f}" in text
    assert "epoch     0" not in text and "epoch   250" not in text
    assert "Bigram vectors" in text and "i don't like it" in text


def test_cli_json_for_a_worked_convolution():
    done = cli("section", "1", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["section"] == 1 and report["output"] == [[[2360, 2480], [3485, 3680]]]


def test_cli_json_for_a_training_section():
    done = cli("section", "8", "--epochs", "20", "--seed", "3", "--pool", "min", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["section"] == 8 and len(report["errors"]) == 20
    assert len(report["predictions"]) == 16 and "region_vectors" in report
    assert report["hyperparameters"]["pool"] == "min"


def test_cli_text_report():
    done = cli("section", "3", "--epochs", "5")
    assert done.returncode == 0, done.stderr
    assert "epoch " not in done.stdout  # the scripts print their first line at epoch 100
    assert "final error 0.69" in done.stdout and "i like it <PAD>" in done.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["section", "9"], "invalid choice"),
        (["section", "3", "--epochs", "x"], "invalid int"),
        (["section", "3", "--epochs", "-1"], "epochs must be a non-negative integer"),
        (["section", "3", "--momentum", "1.5"], "momentum must be"),
        (["section", "4", "--pool", "max"], "no pooling layer"),
        (["section", "1", "--learning-rate", "0.1"], "takes only stride"),
        (["section", "3", "--pool", "sum"], "invalid choice"),
        ([], "required"),
    ],
)
def test_cli_rejects_bad_arguments_with_exit_2_and_no_traceback(args, message):
    done = cli(*args)
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_help_states_the_epoch_labelling_rule_and_json_keeps_every_error():
    done = cli("section", "--help")
    assert "after E - 1 updates" in " ".join(done.stdout.split())
    report = json.loads(cli("section", "3", "--epochs", "150", "--json").stdout)
    assert len(report["errors"]) == 150
