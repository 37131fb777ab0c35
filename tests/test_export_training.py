"""Issue #5 for the Train view: its numbers (both loss curves, the run's weights and snapshots) as CSV and one
.npz, checked against the training runs they came from; and the app's training job, whose snapshots shown
while it runs are the very weights the full run keeps."""

from __future__ import annotations

import csv
import io
import json
import time

import numpy as np
import pytest

from lstm_viz.export import training_csv, training_npz
from lstm_viz.scenario import Scenario
from lstm_viz.tasks import make_task
from lstm_viz.training import TrainConfig, train
from lstm_viz.ui.training_job import TrainingJob

SNAPSHOTS = (0, 3)
RUN = {"task": {"name": "adding"}, "T": 6, "H": 2, "batch": 4, "updates": 8, "seed": 5}


def config(model: str, steps: int = 8) -> TrainConfig:
    return TrainConfig(model=model, hidden_size=2, steps=steps, batch_size=4, length=6, seed=5,
                       snapshot_steps=SNAPSHOTS)  # fmt: skip


@pytest.fixture(scope="module")
def results():
    """The LSTM trained for 8 updates, the RNN for 5: runs of different lengths, as after a cancel."""
    task = make_task("adding")
    return {"lstm": train(task, config("lstm")), "rnn": train(task, config("rnn", steps=5))}


def rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"))))


def test_training_csv_has_one_exact_row_per_update_of_both_networks(results):
    header, *body = rows(training_csv(results))
    assert header == ["update", "lstm_loss", "lstm_grad_norm", "rnn_loss", "rnn_grad_norm"]
    assert [int(row[0]) for row in body] == list(range(1, 9))
    np.testing.assert_array_equal([float(row[1]) for row in body], results["lstm"].history)  # exact floats
    np.testing.assert_array_equal([float(row[2]) for row in body], results["lstm"].grad_norms)
    np.testing.assert_array_equal([float(row[3]) for row in body[:5]], results["rnn"].history)
    assert all(row[3] == row[4] == "" for row in body[5:])  # blank after the shorter run stopped


def test_training_csv_of_a_single_network_names_only_that_one(results):
    header, *_ = rows(training_csv({"lstm": results["lstm"], "rnn": None}))
    assert header == ["update", "lstm_loss", "lstm_grad_norm"]


def test_training_npz_holds_losses_weights_snapshots_and_what_was_trained(results):
    scenario = Scenario.from_query({"weights": "random", "task": "adding", "T": "6", "H": "2", "view": "train"})
    with np.load(io.BytesIO(training_npz(results, scenario, RUN)), allow_pickle=False) as npz:
        assert Scenario.from_json(str(npz["scenario_json"])) == scenario
        assert json.loads(str(npz["run_json"])) == RUN
        for model, result in results.items():
            np.testing.assert_array_equal(npz[f"{model}_loss"], result.history)
            np.testing.assert_array_equal(npz[f"{model}_grad_norm"], result.grad_norms)
            assert json.loads(str(npz[f"{model}_summary_json"]))["steps_run"] == result.steps_run
            for name, value in result.params.arrays().items():
                np.testing.assert_array_equal(npz[f"{model}_{name}"], value)
            np.testing.assert_array_equal(npz[f"{model}_head_weight"], result.head["head_weight"])
            assert list(npz[f"{model}_snapshot_steps"]) == list(SNAPSHOTS)
            for step in SNAPSHOTS:
                params, head = result.snapshots[step]
                np.testing.assert_array_equal(npz[f"{model}_step{step}_weight_hh"], params.weight_hh)
                np.testing.assert_array_equal(npz[f"{model}_step{step}_head_bias"], head["head_bias"])


def test_nothing_to_export_is_refused_plainly():
    with pytest.raises(ValueError, match="no finished training run"):
        training_csv({"lstm": None, "rnn": None})
    with pytest.raises(ValueError, match="no finished training run"):
        training_npz({}, Scenario(), RUN)


def test_the_job_shows_snapshots_while_it_runs_and_they_are_the_full_runs_own():
    task = make_task("adding")
    configs = {model: config(model, steps=40) for model in ("lstm", "rnn")}
    job = TrainingJob("key", task, configs, spec=RUN).start()
    seen = set()
    while job.running:
        seen.add(tuple(sorted(job.status()["lstm"].snapshots)))
        time.sleep(0.002)
    job.join()
    assert (0,) in seen or SNAPSHOTS in seen  # published before the run ended, not only with its result
    for model, status in job.status().items():
        reference = train(task, configs[model])  # the same run, uninterrupted: snapshots only at its end
        assert status.result.stopped == "steps" and status.step == 40
        np.testing.assert_array_equal(status.losses, reference.history)
        for step in SNAPSHOTS:
            for name, value in reference.snapshots[step][0].arrays().items():
                np.testing.assert_array_equal(status.snapshots[step].arrays()[name], value)
    assert job.spec == RUN


def test_a_cancelled_job_keeps_its_best_weights_and_the_snapshots_it_showed():
    task = make_task("adding")
    configs = {model: config(model, steps=5000) for model in ("lstm", "rnn")}
    job = TrainingJob("key", task, configs).start()
    deadline = time.monotonic() + 60
    while not all(3 in s.snapshots for s in job.status().values()) and time.monotonic() < deadline:
        time.sleep(0.01)
    job.cancel()
    job.join(timeout=60)
    for status in job.status().values():
        assert status.result.stopped == "cancelled"
        assert set(SNAPSHOTS) <= set(status.snapshots)
        assert status.result.steps_run < 5000 and status.result.best_step <= status.result.steps_run
