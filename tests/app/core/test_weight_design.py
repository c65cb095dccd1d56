"""app.core.weight_design: parameters as labelled tables, presets, and typed weights judged."""

from __future__ import annotations

import math

import numpy as np
import pytest

from app.core.training_jobs import build_for_data
from app.core.weight_design import (
    evaluate,
    flat_from_tables,
    parameter_tables,
    preset_weights,
    tutorial_settings,
)
from cnndemo import data as data_mod
from cnndemo.models import default_hyperparameters
from cnndemo.train import train, train_section

DATA = {3: data_mod.text_data(), 4: data_mod.text_data()} | {
    s: data_mod.image_data() for s in (5, 6, 7, 8)
}


@pytest.mark.parametrize("section", [3, 4, 5, 6, 7, 8])
def test_tables_cover_every_weight_in_order_and_round_trip(section):
    data, hp = DATA[section], default_hyperparameters(section)
    model = build_for_data(section, data, hp)
    shot = evaluate(section, data, hp, model.parameters)
    tables = parameter_tables(model, shot.feature_maps[-1].shape)
    assert [t.name for t in tables] == list(model.named_parameters())
    for table in tables:
        assert table.values.shape == (len(table.rows), len(table.columns))
    flat = flat_from_tables(tables, [t.values for t in tables])
    assert flat.tolist() == model.parameters.tolist()
    with pytest.raises(ValueError, match="needs"):
        flat_from_tables(tables, [t.values[:0] for t in tables])


def test_labels_name_words_taps_and_flattened_positions():
    model = build_for_data(4, DATA[4], default_hyperparameters(4))
    tables = {t.name: t for t in parameter_tables(model, (4, 3, 2))}
    assert tables["embedding.weights"].rows == tuple(model.vocabulary)
    assert tables["conv1.kernel"].rows[:2] == ("word 1, in 0", "word 1, in 1")
    assert tables["dense.weights"].rows[2:4] == ("pos 1, ch 0", "pos 1, ch 1")
    image = build_for_data(6, DATA[6], default_hyperparameters(6))
    dense = parameter_tables(image, (16, 2, 2, 2))[2]
    assert dense.rows[2] == "pos 0, 1, ch 0"


def test_zero_weights_answer_one_half_everywhere():
    hp = default_hyperparameters(5)
    zeros = preset_weights("zeros", 5, DATA[5], hp)
    shot = evaluate(5, DATA[5], hp, zeros)
    assert shot.error == pytest.approx(math.log(2)) and np.all(shot.probabilities == 0.5)


def test_random_is_the_seeds_first_weights_and_trained_the_tutorials_run():
    hp = {**default_hyperparameters(3), "pool": "avg", "learning_rate": 0.3, "seed": 5}
    model = build_for_data(3, DATA[3], hp)
    assert preset_weights("random", 3, DATA[3], hp).tolist() == model.parameters.tolist()
    trained = preset_weights("trained", 3, DATA[3], hp)
    assert trained.tolist() == train_section(3).model.parameters.tolist()
    assert tutorial_settings(3, hp)["pool"] == "max"
    with pytest.raises(ValueError, match="unknown preset"):
        preset_weights("ones", 3, DATA[3], hp)


def test_evaluate_is_the_engines_loss_for_those_weights():
    hp = default_hyperparameters(7)
    flat = np.random.default_rng(1).normal(size=build_for_data(7, DATA[7], hp).parameters.size)
    model = build_for_data(7, DATA[7], hp)
    model.set_parameters(flat)
    assert evaluate(7, DATA[7], hp, flat).error == train(model, DATA[7], epochs=0).final.error
