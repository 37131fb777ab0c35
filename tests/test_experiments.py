"""The results report: criteria are judged from the measurements, and every table comes from them."""

from __future__ import annotations

from lstm_viz.experiments import report
from lstm_viz.experiments.long_lag import Measurement, group_trials
from lstm_viz.experiments.speed import Throughput


def measurement(experiment="adding", model="lstm", length=50, seed=0, mse=None, accuracy=None, **options):
    return Measurement(
        experiment=experiment, task_options=options, model=model, length=length, lag=length - 1, hidden_size=32,
        seed=seed, steps=100, sequences=3200, wall_time=10.0, stopped="target", test_mse=mse,
        test_accuracy=accuracy, chance=1 / 6 if experiment == "adding" else 0.5,
    )  # fmt: skip


ADDING = [measurement(mse=0.004), measurement(model="rnn", mse=0.17), measurement(length=100, mse=0.05)]
RECALL = [
    *[measurement("recall", "lstm", 51, seed, accuracy=acc) for seed, acc in enumerate((1.0, 0.99, 0.5))],
    *[measurement("recall", "rnn", 51, seed, accuracy=acc) for seed, acc in enumerate((0.5, 0.52, 1.0))],
]
SPEED = [Throughput("lstm_viz float64", 0.01, 32), Throughput("PyTorch float32, 1 thread", 0.005, 32)]
PARTS = {"forward kernel": 5.0, "backward kernel (BPTT)": 4.0}


def test_criteria_are_judged_on_the_t50_runs_and_the_recall_medians():
    checks = dict(report.verdicts(ADDING, RECALL, budget=60))
    assert len(checks) == 4 and all(checks.values())  # LSTM median 99%, RNN median 52%
    failing = [measurement(mse=0.02), measurement(model="rnn", mse=0.05)]
    assert not any(ok for _, ok in report.verdicts(failing, [], budget=60))


def test_recall_trials_are_grouped_by_setting_and_model():
    groups = group_trials(RECALL)
    assert [(g.first.model, len(g.runs), g.successes) for g in groups] == [("lstm", 3, 2), ("rnn", 3, 1)]
    assert groups[0].median_accuracy == 0.99


def test_the_report_shows_every_run_and_the_speed_ratio():
    text = report.render(ADDING, RECALL, SPEED, PARTS, budget=60, quick=False)
    for heading in ("## Adding problem", "## Long-lag recall", "## Paper vs ours", "## Training speed"):
        assert heading in text
    assert text.count("| default | 50 | 51 |") == len(RECALL)  # one row per recall trial
    assert "0.0040" in text and "0.1700" in text
    assert "**0.50×** the throughput" in text and "NOT met" in text
    assert "74,000 training sequences" in text  # the paper's adding row, beside our T = 100 LSTM
    assert "budget ran out" not in text
