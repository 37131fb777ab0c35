"""gradient_flow: how far a last-step loss L = dh_last · h_T reaches back, in closed-form cases.

The lesson it has to get right: a vanilla RNN multiplies by diag(1 − h²) W_hh per step, so its
gradient shrinks (or explodes) geometrically; the LSTM's cell path multiplies by f_t only.
"""

from __future__ import annotations

import numpy as np
import pytest
import reference_lstm as ref
from numeric_checks import assert_close, random_weights

from lstm_viz.core import GradientFlow, LSTMParams, RNNParams, gradient_flow

HALF = 0.5  # W_hh = ½·I: an RNN whose Jacobian shrinks by at least ½ per step
EXPLODING_GAIN = 50.0  # W_hh = 50·I at the fixed point h = 0: the Jacobian grows by exactly 50 per step
FLOAT64_MAX_LOG10 = np.log10(np.finfo(np.float64).max)


def _rnn(weight_hh, input_size=1):
    hidden = weight_hh.shape[0]
    return RNNParams(np.ones((hidden, input_size)), weight_hh, np.zeros(hidden), np.zeros(hidden))


def _carousel(hidden, forget_bias):
    """An LSTM with zero weights: i = o = ½, g = 0, f = σ(forget_bias), so c_t = f·c_{t-1}."""
    bias_ih = np.zeros(4 * hidden)
    bias_ih[hidden : 2 * hidden] = forget_bias
    return LSTMParams(np.zeros((4 * hidden, 1)), np.zeros((4 * hidden, hidden)), bias_ih, np.zeros(4 * hidden))


@pytest.mark.parametrize("model", ["lstm", "rnn"])
@pytest.mark.parametrize("custom_dh_last", [False, True])
def test_gradient_flow_matches_reference(rng, model, custom_dh_last):
    steps, input_size, hidden = 12, 2, 3
    cls = LSTMParams if model == "lstm" else RNNParams
    params = cls(**random_weights(rng, input_size, hidden, 4 if model == "lstm" else 1, scale=2.0))
    x, h0 = rng.normal(size=(steps, input_size)), rng.normal(size=hidden)
    c0 = rng.normal(size=hidden) if model == "lstm" else None
    dh_last = rng.normal(size=hidden) if custom_dh_last else None
    flow = gradient_flow(params, x, h0, c0, dh_last)
    expected = ref.gradient_flow(model, params.arrays(), x, h0, c0, dh_last)
    assert isinstance(flow, GradientFlow) and flow.model == model
    assert np.array_equal(flow.lag, np.arange(steps)[::-1])
    for name in ("dh_norm", "jacobian_norm"):
        assert_close(getattr(flow, name), expected[name], name=name)
    if model == "lstm":
        assert_close(flow.dc_norm, expected["dc_norm"], name="dc_norm")
    else:
        assert flow.dc_norm is None
    assert flow.finite.dtype == bool and flow.finite.all() and flow.overflow_step is None


@pytest.mark.parametrize("hidden", [1, 4, 7])
@pytest.mark.parametrize("cls", [LSTMParams, RNNParams])
def test_default_dh_last_has_norm_one_so_dh_norm_at_lag_0_is_1(cls, hidden):
    flow = gradient_flow(cls.init(2, hidden, seed=1), np.random.default_rng(0).normal(size=(9, 2)))
    assert flow.dh_norm[-1] == pytest.approx(1.0, abs=1e-15)
    assert flow.jacobian_norm[-1] == pytest.approx(1.0, abs=1e-15)  # ∂h_T/∂h_T = I


def test_rnn_jacobian_with_half_identity_is_half_to_the_lag_times_tanh_slopes():
    """W_hh = ½I, zero input and bias: h_t = tanh(½ h_{t-1}) unit by unit, so
    ∂h_T/∂h_t = diag(½^k ∏_{s=t+1..T} (1 − h_s²)) with k = T − t, whose norm is the largest entry."""
    steps, hidden = 30, 4
    h0 = np.array([0.9, -0.3, 0.05, -0.7])
    flow = gradient_flow(_rnn(HALF * np.eye(hidden)), np.zeros((steps, 1)), h0)

    h = np.empty((steps, hidden))
    previous = h0
    for t in range(steps):
        previous = h[t] = np.tanh(HALF * previous)
    slopes = 1.0 - h**2
    diagonal = np.ones((steps, hidden))  # diagonal[t] = ½^k ∏_{s=t+1}^{T-1} (1 − h_s²)
    for t in range(steps - 2, -1, -1):
        diagonal[t] = diagonal[t + 1] * HALF * slopes[t + 1]
    np.testing.assert_allclose(flow.jacobian_norm, diagonal.max(axis=1), rtol=1e-13)
    dh_last = np.ones(hidden) / np.sqrt(hidden)
    np.testing.assert_allclose(flow.dh_norm, np.linalg.norm(diagonal * dh_last, axis=1), rtol=1e-13)


def test_rnn_at_the_zero_fixed_point_decays_exactly_by_half_per_step():
    steps, hidden = 40, 4
    flow = gradient_flow(_rnn(HALF * np.eye(hidden)), np.zeros((steps, 1)))
    powers = HALF ** flow.lag.astype(float)  # powers of two: exact in floating point
    np.testing.assert_allclose(flow.jacobian_norm, powers, rtol=1e-14)
    np.testing.assert_allclose(flow.dh_norm, powers, rtol=1e-14)
    assert flow.decay_rate("dh_norm") == pytest.approx(HALF, rel=1e-12)


def test_rnn_gradient_with_zero_recurrent_weights_does_not_reach_back_at_all():
    flow = gradient_flow(_rnn(np.zeros((3, 3))), np.random.default_rng(0).normal(size=(6, 1)))
    assert np.array_equal(flow.dh_norm[:-1], np.zeros(5))
    assert np.array_equal(flow.jacobian_norm[:-1], np.zeros(5))


def test_lstm_cell_gradient_decays_exactly_as_the_forget_gate_product():
    """Zero weights: ∂L/∂c_t = f · ∂L/∂c_{t+1} with f = σ(b_f) at every step, so dc_norm ∝ σ(b_f)^lag."""
    steps, hidden, forget_bias = 100, 3, 3.0
    flow = gradient_flow(_carousel(hidden, forget_bias), np.zeros((steps, 1)), c0=np.full(hidden, 0.5))
    forget = 1.0 / (1.0 + np.exp(-forget_bias))
    np.testing.assert_allclose(flow.dc_norm, flow.dc_norm[-1] * forget ** flow.lag.astype(float), rtol=1e-12)
    assert np.array_equal(flow.jacobian_norm[:-1], np.zeros(steps - 1))  # W_hh = 0: no path through h


def test_lstm_with_forget_gate_near_one_keeps_cell_gradient_while_rnn_loses_a_millionfold():
    steps = 100
    x = np.zeros((steps, 1))
    # f = σ(4) ≈ 0.982: 0.982^99 ≈ 0.17. (A forget bias of 3 gives σ(3)^99 ≈ 0.009: a factor ~110.)
    lstm = gradient_flow(_carousel(4, forget_bias=4.0), x, c0=np.full(4, 0.5))
    rnn = gradient_flow(RNNParams.init(1, 4, seed=0, spectral_radius=HALF), x)
    assert lstm.dc_norm[0] > lstm.dc_norm[-1] / 10
    assert rnn.dh_norm[0] < rnn.dh_norm[-1] * 1e-6


def test_pytorch_init_lstm_with_forget_bias_3_keeps_far_more_gradient_than_rnn_with_radius_half():
    steps, hidden = 100, 4
    x = np.random.default_rng(3).normal(size=(steps, 1))
    lstm = gradient_flow(LSTMParams.init(1, hidden, seed=0, forget_bias=3.0), x)
    rnn = gradient_flow(RNNParams.init(1, hidden, seed=0, spectral_radius=HALF), x)
    lstm_kept = lstm.dc_norm[0] / lstm.dc_norm[-1]
    rnn_kept = rnn.dh_norm[0] / rnn.dh_norm[-1]
    assert rnn_kept < 1e-6
    assert lstm_kept > 1e6 * rnn_kept


def test_exploding_rnn_overflow_is_flagged_not_raised():
    """W_hh = 50·I at the fixed point h = 0 (zero input and h0): ∂h_T/∂h_t = 50^k·I, past float64 at k = 182."""
    steps, hidden = 2000, 4
    flow = gradient_flow(_rnn(EXPLODING_GAIN * np.eye(hidden)), np.zeros((steps, 1)))
    assert flow.overflow_step is not None
    assert not flow.finite[flow.overflow_step]
    assert flow.finite[flow.overflow_step + 1 :].all()
    assert not np.isfinite(flow.jacobian_norm[0]) and not np.isfinite(flow.dh_norm[0])


def test_overflow_step_is_where_the_gradient_really_overflows():
    """Norms of finite gradients are finite: 0.5·50^k (each entry of ∂L/∂h_t) first exceeds float64 at k = 182."""
    steps, hidden = 400, 4
    flow = gradient_flow(_rnn(EXPLODING_GAIN * np.eye(hidden)), np.zeros((steps, 1)))
    first_overflow_lag = int(np.ceil((FLOAT64_MAX_LOG10 - np.log10(0.5)) / np.log10(EXPLODING_GAIN)))
    assert first_overflow_lag == 182
    below = flow.lag < first_overflow_lag
    np.testing.assert_allclose(flow.dh_norm[below], EXPLODING_GAIN ** flow.lag[below].astype(float), rtol=1e-12)
    np.testing.assert_allclose(flow.jacobian_norm[below], EXPLODING_GAIN ** flow.lag[below].astype(float), rtol=1e-12)
    assert flow.overflow_step == steps - 1 - first_overflow_lag


@pytest.mark.parametrize("cls", [LSTMParams, RNNParams])
def test_extreme_recurrent_scale_over_500_steps_returns_flags_not_errors(cls):
    params = cls.init(2, 6, seed=0, recurrent_scale=50.0)
    flow = gradient_flow(params, np.random.default_rng(0).normal(size=(500, 2)))
    assert flow.steps == 500
    bad = np.flatnonzero(~flow.finite)
    assert flow.overflow_step == (int(bad[-1]) if bad.size else None)


def test_jacobian_can_be_skipped():
    flow = gradient_flow(LSTMParams.init(1, 3), np.zeros((5, 1)), jacobian=False)
    assert flow.jacobian_norm is None and flow.finite.all()


def test_float32_gradient_flow_agrees_with_float64():
    params = LSTMParams.init(2, 3, seed=4, forget_bias=1.0)
    x = np.random.default_rng(1).normal(size=(20, 2))
    exact, single = gradient_flow(params, x), gradient_flow(params.astype(np.float32), x)
    for name in ("dh_norm", "dc_norm", "jacobian_norm"):
        np.testing.assert_allclose(getattr(single, name), getattr(exact, name), rtol=1e-4, atol=1e-7, err_msg=name)


def test_rnn_decay_rate_of_the_cell_gradient_is_refused():
    flow = gradient_flow(RNNParams.init(1, 2), np.zeros((4, 1)))
    with pytest.raises(ValueError, match="dc_norm"):
        flow.decay_rate("dc_norm")


# --- is the decay steady? a rate only where a line on the log axis describes the curve -------------------------

RESET_EVERY = 20  # the reset preset's period: f shuts every 20 steps


def _flow_of(values: np.ndarray) -> GradientFlow:
    """A GradientFlow whose ‖∂L/∂h_t‖ at lag k is ``values[k]`` (the fit sees only values and lags)."""
    values = np.asarray(values, dtype=float)[::-1]
    steps = values.size
    return GradientFlow("rnn", np.arange(steps - 1, -1, -1), values, None, None, np.isfinite(values), None)


def _staircase(steps: int, drop: float = 4.5e-5) -> np.ndarray:
    """Flat, then × ``drop`` at every multiple of RESET_EVERY: the reset preset's cell gradient."""
    return drop ** (np.arange(steps) // RESET_EVERY).astype(float)


@pytest.mark.parametrize("steps", [60, 600])
def test_a_staircase_is_not_a_steady_decay_at_any_length(steps):
    """Over 600 steps the stairs are small beside the 130 decades the line spans; each drop is still a cliff."""
    fit = _flow_of(_staircase(steps)).decay_fit()
    assert not fit.steady
    assert [c.lag for c in fit.cliffs] == list(range(RESET_EVERY, steps, RESET_EVERY))
    assert all(c.factor == pytest.approx(4.5e-5) for c in fit.cliffs)
    assert fit.change == pytest.approx(4.5e-5 ** ((steps - 1) // RESET_EVERY))


def test_a_noisy_geometric_decay_is_steady_with_its_rate():
    """× 0.5 per step with up to ×2 of noise on every step, over 200 steps: a line, 60 decades long."""
    lag = np.arange(200)
    noise = np.random.default_rng(0).uniform(-0.3, 0.3, lag.size)
    fit = _flow_of(HALF**lag * 10 ** np.cumsum(noise - noise.mean())).decay_fit()
    assert fit.steady and not fit.cliffs and fit.knee is None
    assert fit.rate == pytest.approx(HALF, rel=0.02)


def test_a_curve_that_holds_then_grows_is_described_by_its_knee():
    lag = np.arange(120)
    fit = _flow_of(1.2 ** np.maximum(lag - 70, 0).astype(float)).decay_fit()
    assert not fit.steady and not fit.cliffs
    assert (fit.knee.lag, fit.knee.rate_before, fit.knee.rate_after) == (70, pytest.approx(1.0), pytest.approx(1.2))


def test_the_rate_is_fitted_from_lag_1_so_an_lstms_first_drop_does_not_bend_it():
    """Lag 0 is the seed ‖∂L/∂h_T‖ = 1; an LSTM's h path drops ×100 on its first step back, then decays × 0.7."""
    values = 1e-2 * 0.7 ** np.arange(40.0)
    values[0] = 1.0
    fit = _flow_of(values).decay_fit()
    assert fit.rate == pytest.approx(0.7, rel=1e-12) and fit.steady
    assert _flow_of(values).decay_rate() == fit.rate


def test_a_flat_curve_is_steady_at_rate_one():
    fit = _flow_of(np.full(50, 0.3)).decay_fit()
    assert fit.steady and fit.rate == pytest.approx(1.0) and fit.miss_decades == pytest.approx(0.0, abs=1e-12)
