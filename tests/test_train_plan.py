"""The Train view's run settings: long-lag tasks get the LSTM init the experiments use."""

from __future__ import annotations

import pytest

from lstm_viz.tasks import make_task
from lstm_viz.training import LONG_LAG_FORGET_BIAS, LONG_LAG_INPUT_BIAS, TrainConfig
from lstm_viz.ui.views.train import Plan


def plan(task_name: str) -> Plan:
    return Plan(task=make_task(task_name), hidden=8, length=20, batch=4, updates=10, seed=3)


@pytest.mark.parametrize("task_name", ["adding", "recall", "temporal_order"])
def test_a_long_lag_task_trains_the_lstm_with_the_long_lag_gate_biases(task_name):
    config = plan(task_name).config("lstm")
    assert (config.forget_bias, config.input_bias) == (LONG_LAG_FORGET_BIAS, LONG_LAG_INPUT_BIAS) == (5.0, -5.0)
    assert (config.model, config.hidden_size, config.steps, config.seed) == ("lstm", 8, 10, 3)


@pytest.mark.parametrize("task_name", ["sine", "text"])
def test_a_short_lag_task_keeps_the_default_init(task_name):
    config = plan(task_name).config("lstm")
    assert (config.forget_bias, config.input_bias) == (TrainConfig.forget_bias, TrainConfig.input_bias) == (1.0, 0.0)


def test_only_the_memory_tasks_are_long_lag():
    long_lag = {name for name in ("adding", "recall", "temporal_order", "sine", "text") if make_task(name).long_lag}
    assert long_lag == {"adding", "recall", "temporal_order"}


def test_the_rnn_config_is_the_same_run_apart_from_the_model():
    lstm, rnn = plan("recall").config("lstm"), plan("recall").config("rnn")
    assert rnn.model == "rnn" and (rnn.steps, rnn.batch_size, rnn.length, rnn.seed, rnn.lr) == (
        lstm.steps,
        lstm.batch_size,
        lstm.length,
        lstm.seed,
        lstm.lr,
    )
