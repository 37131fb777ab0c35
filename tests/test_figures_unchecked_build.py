"""Figures are built without Plotly's property-by-property checks (``make_figure``): in the app those checks
cost most of a figure's build time, paid again for every step a student moves to. So this suite runs
them instead: every figure the app and the export make must pass them and come out unchanged.
"""

from __future__ import annotations

import json

import numpy as np
import plotly.graph_objects as go
import pytest

from lstm_viz.export.lesson_figures import lesson_figures
from lstm_viz.figures import apply_theme, loss_curves
from lstm_viz.lesson import build_lesson
from lstm_viz.scenario import Scenario

LESSONS = {
    "latch preset": {},
    "text, both networks": {"weights": "random", "task": "text", "model": "both", "H": "6", "t": "7"},
    "adding, exploding RNN": {"weights": "random", "task": "adding", "T": "60", "H": "5", "rscale": "3.0"},
}


def checked_copy(fig: go.Figure) -> go.Figure:
    """The same figure built the checked way: raises ValueError on any property Plotly does not know."""
    return go.Figure(fig.to_dict())


def assert_passes_plotly_checks_unchanged(fig: go.Figure, name: str) -> None:
    assert json.loads(checked_copy(fig).to_json()) == json.loads(fig.to_json()), name


@pytest.mark.parametrize("query", LESSONS.values(), ids=LESSONS.keys())
def test_every_lesson_figure_passes_plotly_checks_unchanged(query):
    scenario = Scenario.from_query(query)
    figures = lesson_figures(build_lesson(scenario), scenario, mode=None, caption=False)
    assert {"cell-diagram", "conveyor-belt", "gradient-flow", "connectivity"} <= set(figures) or scenario.model == "rnn"
    for name, fig in figures.items():
        assert_passes_plotly_checks_unchanged(fig, name)


@pytest.mark.parametrize("mode", ["presentation", "print"])
def test_themed_and_captioned_figures_pass_plotly_checks_unchanged(mode):
    scenario = Scenario.from_query(LESSONS["text, both networks"])
    for name, fig in lesson_figures(build_lesson(scenario), scenario, mode=mode).items():
        assert_passes_plotly_checks_unchanged(fig, f"{name} ({mode})")


def test_loss_curves_pass_plotly_checks_unchanged():
    losses = {"LSTM": np.geomspace(1.0, 0.01, 50), "Vanilla RNN": np.linspace(1.0, 0.6, 50)}
    fig = loss_curves(losses, baseline=(0.167, "baseline MSE 0.167: always answer 1"))
    assert_passes_plotly_checks_unchanged(apply_theme(fig, "presentation"), "loss curves")


def test_a_misspelt_property_is_still_caught_by_the_checked_copy():
    fig = go.Figure(data=[{"type": "bar", "y": [1, 2], "colour": "red"}], _validate=False)
    with pytest.raises(ValueError, match="colour"):
        checked_copy(fig)
