"""The results report: criteria are judged from the measurements, and every table comes from them."""

from __future__ import annotations

import dataclasses
import json

from lstm_viz.experiments import report
from lstm_viz.experiments.__main__ import _plain, main
from lstm_viz.experiments.gradient_check import CellGradientReach
from lstm_viz.experiments.long_lag import Measurement, best_learning_rate, group_trials
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
PARTS = {"forward kernel (core)": 5.0, "backward kernel (core, BPTT)": 4.0}


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


def test_each_models_learning_rate_is_its_most_accurate_then_fastest_run():
    runs = [
        dataclasses.replace(measurement("recall", "rnn", 51, accuracy=0.13), lr=1e-2),
        dataclasses.replace(measurement("recall", "rnn", 51, accuracy=0.99), lr=3e-3),
        dataclasses.replace(measurement("recall", "rnn", 51, accuracy=0.99), lr=1e-3, steps=50),
    ]
    assert best_learning_rate(runs) == 1e-3  # equal accuracy: the one that needed fewer steps


def test_the_report_shows_the_learning_rates_the_init_ablation_and_the_cell_gradient_check():
    rates = [dataclasses.replace(m, lr=lr) for m, lr in zip(RECALL[3:5], (3e-3, 1e-2), strict=True)]
    ablation = [dataclasses.replace(RECALL[0], forget_bias=3.0, input_bias=0.0, test_accuracy=0.125)]
    main = [dataclasses.replace(m, forget_bias=5.0, input_bias=-5.0) for m in RECALL]
    carry = [CellGradientReach(3.0, 0, 0.008, 32), CellGradientReach(3.0, 1, 0.05, 60),
             CellGradientReach(5.0, 0, 0.4, 99), CellGradientReach(5.0, 1, 0.6, 99)]  # fmt: skip
    text = report.render(ADDING, main, SPEED, PARTS, 60, False, rates, ablation, carry)
    assert "| RNN | 0.003 |" in text and "| RNN | 0.01 |" in text
    assert "| +3 | +0 |" in text and "| +5 | -5 |" in text  # the ablation row beside the main run
    assert "| 3 | 0.008 | 0/2 | 0.0080 | 32, 46 |" in text and "| 5 | 0.514 | 2/2 | 0.4000 | 99, 99 |" in text
    assert "a factor 10 over the last 32 steps, and a factor 125 over all 100" in text
    assert "take **100.0%** of the step" in text  # PARTS holds the core kernels only


def test_render_rewrites_the_report_from_the_stored_measurements_alone(tmp_path):
    raw = {"budget_s": 60, "quick": False, "measured_at": "2026-01-02 03:04 UTC", "adding": ADDING, "recall": RECALL,
           "recall_learning_rates": [], "lstm_init_ablation": [], "cell_gradient_reach": [], "speed": SPEED,
           "step_breakdown_ms": PARTS}  # fmt: skip
    (tmp_path / "RESULTS.json").write_text(json.dumps(_plain(raw)), encoding="utf-8")
    assert main(["render", "--out", str(tmp_path / "RESULTS.md")]) == 0  # every check met by these numbers
    text = (tmp_path / "RESULTS.md").read_text(encoding="utf-8")
    assert "Measured by `python -m lstm_viz.experiments` on 2026-01-02 03:04 UTC" in text
    expected = report.render(ADDING, RECALL, SPEED, PARTS, 60, False, measured_at="2026-01-02 03:04 UTC")
    assert text.split("\n", 3)[3] == expected.split("\n", 3)[3]  # identical below the header line
