"""The gradient story: RNN gradients obey their theory bound; a forget bias of 3 carries the cell gradient."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lstm_viz.analysis import FORGET_BIASES, SPECTRAL_RADII, gradient_story
from lstm_viz.analysis.gradient_story import rnn_curve
from lstm_viz.core import LSTMParams, RNNParams, rnn_forward

FLOAT_SLACK = 1e-9  # relative room for rounding in a product of up to 100 Jacobians
CARRY_FLOOR = 1e-3  # the cell path alone keeps σ(3)^99 ≈ 0.008; inputs can push f below σ(3)
LOST = 1e-10  # with forget bias 0 the cell keeps σ(0)^99 ≈ 2·10⁻³⁰ of the gradient, plus what h carries


@pytest.fixture(scope="module")
def story():
    return gradient_story()


def assert_within_theory_bound(curve):
    bound = curve.theory_bound()
    assert np.all(curve.flow.jacobian_norm <= bound * (1 + FLOAT_SLACK)), (
        f"{curve.label}: ‖∂h_T/∂h_t‖ exceeds (γ·σ_max)^lag at lag "
        f"{curve.lag[np.argmax(curve.flow.jacobian_norm / bound)]}"
    )


def test_story_has_the_issues_curves_on_one_input_sequence(story):
    assert story.inputs.shape == (100, 1)
    assert [c.knob_value for c in story.rnn] == list(SPECTRAL_RADII)
    assert [c.knob_value for c in story.lstm] == list(FORGET_BIASES)
    assert all(c.flow.steps == 100 for c in story.curves)
    for curve in story.rnn:
        assert curve.params.spectral_radius() == pytest.approx(curve.knob_value)
    assert story.curve("LSTM, forget bias 3").knob_value == 3.0
    with pytest.raises(ValueError, match="the curves are"):
        story.curve("GRU")


def test_rnn_gradient_decays_at_most_at_theory_rate(story):
    for curve in story.rnn:
        h = rnn_forward(curve.params, story.inputs).h
        assert curve.gamma == pytest.approx(np.max(1 - h**2))
        assert curve.sigma_max == pytest.approx(np.linalg.norm(curve.params.weight_hh, 2))
        assert curve.sigma_max >= curve.knob_value * (1 - FLOAT_SLACK), "σ_max bounds the spectral radius"
        assert_within_theory_bound(curve)


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**31 - 1),
    rho=st.floats(0.2, 2.5),
    scale=st.sampled_from([0.0, 0.1, 1.0, 3.0]),
    hidden=st.integers(1, 8),
)
def test_rnn_gradient_obeys_the_theory_bound_for_any_weights(seed, rho, scale, hidden):
    params = RNNParams.init(2, hidden, seed=seed, spectral_radius=rho)
    inputs = scale * np.random.default_rng(seed).normal(size=(40, 2))
    assert_within_theory_bound(rnn_curve(params, inputs, rho))


def test_rnn_with_spectral_radius_half_vanishes_provably(story):
    curve = story.curve("RNN, spectral radius 0.5")
    assert curve.theory_rate < 1
    assert curve.flow.jacobian_norm[0] <= curve.theory_rate**99 * (1 + FLOAT_SLACK)
    assert curve.decay_rate < 1


@pytest.mark.parametrize("seed", range(10))
def test_lstm_forget_bias_3_carries_cell_gradient_100_steps(seed):
    story = gradient_story(T=100, seed=seed, spectral_radii=())
    carried = story.curve("LSTM, forget bias 3").flow.dc_norm
    lost = story.curve("LSTM, forget bias 0").flow.dc_norm
    assert carried.min() >= CARRY_FLOOR * carried[-1], "bias 3: the cell gradient 100 steps back is still visible"
    assert lost[0] < LOST * lost[-1], "bias 0: the same gradient is gone"


def cell_gradient_ratio(seed: int, forget_bias: float) -> np.ndarray:
    """‖∂L/∂c_t‖ / ‖∂L/∂c_T‖ at lags 0 … 99 (index = lag) for an untrained LSTM with this forget bias."""
    curve = gradient_story(T=100, seed=seed, spectral_radii=(), forget_biases=(forget_bias,)).lstm[0]
    ratio = curve.flow.dc_norm / curve.flow.dc_norm[curve.lag == 0][0]
    return ratio[np.argsort(curve.lag)]


def test_forget_bias_3_keeps_the_cell_gradient_within_10x_for_30_steps_but_not_for_100():
    # The issue's claim "within a factor 10 over 100 steps" is false for bias 3: each step back along the cell
    # multiplies by f ≈ σ(3) ≈ 0.95, and σ(3)^99 ≈ 0.008. What holds on every seed: 10× over the last 30 steps.
    ratios = [cell_gradient_ratio(seed, 3.0) for seed in range(10)]
    assert all(r[:31].min() >= 0.1 for r in ratios)
    assert sum(r.min() < 0.1 for r in ratios) >= 8


def test_forget_bias_5_keeps_the_cell_gradient_within_10x_over_100_steps():
    # σ(5)^99 ≈ 0.51: the claim holds once the bias is 5, the init the long-lag experiments use.
    assert all(cell_gradient_ratio(seed, 5.0).min() >= 0.1 for seed in range(10))


@pytest.mark.parametrize("seed", range(5))
def test_a_larger_forget_bias_slows_the_cell_gradients_decay(seed):
    rates = [c.cell_decay_rate for c in gradient_story(seed=seed, spectral_radii=()).lstm]
    assert rates == sorted(rates) and rates[-1] > 0.9 > 0.75 > rates[0]


def test_a_trained_model_joins_the_story_on_the_same_inputs():
    trained = LSTMParams.init(3, 8, seed=5, forget_bias=1.0)
    story = gradient_story(T=30, trained=trained)
    assert story.inputs.shape == (30, 3)
    curve = story.curve("LSTM (trained)")
    assert curve.params is trained and curve.knob == "trained" and curve.knob_value is None
    assert curve.cell_decay_rate is not None and curve.theory_rate is None
    rnn = gradient_story(T=30, trained=RNNParams.init(1, 4, seed=2)).curve("vanilla RNN (trained)")
    assert_within_theory_bound(rnn)


def test_story_refuses_inputs_that_do_not_fit():
    with pytest.raises(ValueError, match="reads D = 3"):
        gradient_story(input_size=1, trained=LSTMParams.init(3, 4))
    with pytest.raises(ValueError, match="T=50 disagrees"):
        gradient_story(T=50, inputs=np.zeros((40, 1)))
    with pytest.raises(ValueError, match="T must be"):
        gradient_story(T=1)


def test_story_is_reproducible_and_uses_given_inputs():
    a, b = gradient_story(T=20, seed=3), gradient_story(T=20, seed=3)
    for ca, cb in zip(a.curves, b.curves, strict=True):
        np.testing.assert_array_equal(ca.flow.dh_norm, cb.flow.dh_norm)
    inputs = np.linspace(-1, 1, 40).reshape(20, 2)
    np.testing.assert_array_equal(gradient_story(inputs=inputs).inputs, inputs)
