"""Numerical extremes in the app: weights of ±100, T = 2000 and an exploding RNN render every view,
and an overflowed gradient is flagged on the chart, never a blank chart or a stack trace."""

from __future__ import annotations

import numpy as np
from test_app import assert_clean, charts, figure_json, npz_bytes, open_app, show_view

from lstm_viz.core import LSTMParams, RNNParams, gradient_flow
from lstm_viz.scenario import MAX_STEPS, VIEWS

EXTREME = 100.0  # the largest weight magnitude the classroom-proof issue asks for
EXPLODING_GAIN = 50.0  # W_hh = 50·I at the h = 0 fixed point: the Jacobian is 50^lag, past 1e308 by lag 182
VIEWS_WITHOUT_TRAINING = [v for v in VIEWS if v != "train"]


def _upload(at, name: str, params) -> None:
    at.session_state["upload.pending"] = (name, npz_bytes(params))
    at.run()


def _signs_times(value: float, like: LSTMParams | RNNParams, seed: int = 0):
    rng = np.random.default_rng(seed)
    return like.replace(**{n: value * rng.choice([-1.0, 1.0], size=a.shape) for n, a in like.arrays().items()})


def test_weights_of_plus_minus_100_over_2000_steps_render_every_view():
    at = open_app({"weights": "upload", "task": "adding", "T": str(MAX_STEPS), "model": "both"})
    _upload(at, "extreme.npz", _signs_times(EXTREME, LSTMParams.init(2, 8, seed=1)))
    assert_clean(at)
    assert "uploaded extreme\\.npz" in at.caption[0].value  # the header names the file (Markdown-escaped)
    assert at.query_params["T"] == str(MAX_STEPS)
    for view in VIEWS_WITHOUT_TRAINING:
        show_view(at, view)
        assert_clean(at)
        assert charts(at) or view == "equations", f"view {view} drew no chart"


def test_an_exploding_rnn_is_flagged_as_overflow_on_the_gradient_chart():
    zeros = " ".join(["0"] * MAX_STEPS)  # 3,999 characters: inside the 5,000-character text bound
    exploding = RNNParams(np.zeros((4, 1)), EXPLODING_GAIN * np.eye(4), np.zeros(4), np.zeros(4))
    flow = gradient_flow(exploding, np.zeros((MAX_STEPS - 1, 1)), jacobian=False)
    assert flow.overflow_step is not None  # the premise: this network's gradient really overflows float64
    at = open_app({"weights": "upload", "task": "custom", "text": zeros, "T": str(MAX_STEPS), "model": "rnn"})
    _upload(at, "exploding.npz", exploding)
    assert_clean(at)
    assert "uploaded exploding\\.npz" in at.caption[0].value and f"T = {MAX_STEPS - 1}" in at.caption[0].value
    for view in VIEWS_WITHOUT_TRAINING:
        show_view(at, view)
        assert_clean(at)
    show_view(at, "gradients")
    specs = [figure_json(e) for e in charts(at)]
    notes = [a.get("text", "") for spec in specs for a in spec.get("layout", {}).get("annotations", [])]
    assert any("overflow" in note for note in notes), notes
