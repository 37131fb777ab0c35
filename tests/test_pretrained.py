"""The shipped pretrained weights: every task has an LSTM and an RNN, they load safely, and they work."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_viz.core import LSTMParams, RNNParams
from lstm_viz.experiments.pretrain import arithmetic_setup, arrays_digest, same_arithmetic, shipped_setup, train_one
from lstm_viz.pretrained import PRETRAINED_DIR, available_pretrained, load_pretrained, pretrained_record
from lstm_viz.tasks import TASKS, make_task
from lstm_viz.training import evaluate, held_out_batch

FRESH_SEED = 12345  # a batch no training run drew: the test stream of a seed the recipes do not use
MAX_FILE_BYTES = 64 * 1024


def test_every_task_has_a_pretrained_lstm_and_rnn():
    assert set(available_pretrained()) == {(task, model) for task in TASKS for model in ("lstm", "rnn")}


@pytest.mark.parametrize(("task", "model"), available_pretrained())
def test_pretrained_files_load_with_their_head_and_match_their_record(task, model):
    params, head = load_pretrained(task, model)
    record = pretrained_record(task, model)
    assert isinstance(params, LSTMParams if model == "lstm" else RNNParams)
    assert params.hidden_size == record["H"] <= 32
    assert params.input_size == TASKS[task].input_size
    assert head["head_weight"].shape == (TASKS[task].output_size, params.hidden_size)
    assert head["head_bias"].shape == (TASKS[task].output_size,)
    assert arrays_digest(params, head) == record["arrays_sha256"]
    assert (PRETRAINED_DIR / record["file"]).stat().st_size <= MAX_FILE_BYTES
    for key in ("T", "seed", "steps", "steps_run", "final_loss"):
        assert key in record


def test_the_adding_problem_lstm_solves_it_and_the_rnn_does_not():
    batch = held_out_batch("adding", 1000, 50, FRESH_SEED)
    lstm = evaluate(*load_pretrained("adding", "lstm"), batch)
    rnn = evaluate(*load_pretrained("adding", "rnn"), batch)
    assert lstm.mse < 0.01
    assert rnn.mse > 0.1


@pytest.mark.parametrize(("task", "model"), [("recall", "lstm"), ("custom", "rnn"), ("custom", "lstm")])
def test_the_recipe_regenerates_the_shipped_arrays_bit_for_bit(task, model):
    # The cheapest recipes (well under a second each); `python -m lstm_viz.experiments pretrain --check` does all.
    # The custom task trains one sequence at a time: its LSTM is the one recipe on the B = 1 kernels.
    if not same_arithmetic(arithmetic_setup(), shipped_setup()):
        pytest.skip(f"bit for bit holds on the setup that trained the files ({shipped_setup()}), not here")
    result, record = train_one(task, model)
    assert record["arrays_sha256"] == pretrained_record(task, model)["arrays_sha256"]
    assert same_as_shipped(result, task, model)


def test_the_shipped_files_record_the_arithmetic_they_were_trained_with():
    setup = shipped_setup()
    assert set(setup) == {"numpy", "numba", "llvm_cpu", "blas_core"}
    assert all(isinstance(value, str) and value for value in setup.values())


def test_arithmetic_setups_match_on_cpu_targets_and_minor_versions():
    here = {"numpy": "2.4.6", "numba": "0.68.1", "llvm_cpu": "znver3", "blas_core": "Haswell"}
    assert same_arithmetic(here, {**here, "numpy": "2.4.9"})
    assert not same_arithmetic(here, {**here, "numpy": "2.5.0"})
    assert not same_arithmetic(here, {**here, "llvm_cpu": "skylake-avx512"})
    assert not same_arithmetic(here, {**here, "blas_core": "SkylakeX"})
    assert not same_arithmetic(here, None)


def same_as_shipped(result, task, model) -> bool:
    params, head = load_pretrained(task, model)
    shipped = {**params.arrays(), **head}
    trained = {**result.params.arrays(), **result.head}
    return all(np.array_equal(shipped[name], trained[name]) for name in shipped)


def test_a_task_object_with_the_default_options_loads():
    for name, task in TASKS.items():
        params, _ = load_pretrained(task, "lstm")
        assert params.input_size == task.input_size, name


def test_loading_never_changes_the_shipped_files():
    path = PRETRAINED_DIR / "adding_lstm.npz"
    before = path.read_bytes()
    _, head = load_pretrained("adding", "lstm")
    head["head_weight"] *= 0  # the caller's copy, not the file
    assert path.read_bytes() == before
    assert np.any(load_pretrained("adding", "lstm")[1]["head_weight"] != 0)


def test_a_task_with_other_options_is_refused():
    with pytest.raises(ValueError, match=r"trained on num_symbols 8, .* asks for num_symbols 5, ") as refused:
        load_pretrained(make_task("recall", num_symbols=5), "lstm")
    assert "{" not in str(refused.value)  # options as words, not a dict to decode


@pytest.mark.parametrize(("task", "model", "message"), [("nope", "lstm", "no pretrained"), ("adding", "gru", "model")])
def test_unknown_task_or_model_is_refused(task, model, message):
    with pytest.raises(ValueError, match=message):
        load_pretrained(task, model)


def test_the_recall_lstm_names_the_marked_symbol_among_distractors_of_the_same_alphabet():
    batch = held_out_batch("recall", 1000, None, FRESH_SEED)  # T = 20, chance 1/8
    assert evaluate(*load_pretrained("recall", "lstm"), batch).accuracy > 0.95
