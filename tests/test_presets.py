"""Each preset does what its paragraph says, measured on the core's own forward and backward passes."""

import numpy as np
import pytest

from lstm_viz.core import LSTMParams, RNNParams, gradient_flow
from lstm_viz.presets import (
    CLOSED,
    MAX_LENGTH,
    OPEN,
    PRESETS,
    GateWiring,
    counter,
    get_preset,
    latch,
    one_unit_lstm,
    reset,
    spiral,
)

LATCH_TOLERANCE = 0.05  # the issue's bar: |c_T − stored| < 0.05 after 100 steps
FLOAT_SLACK = 1e-9  # relative room for rounding in products of 50 Jacobians


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def count_so_far(preset_inputs, since=0):
    """Number of a's (channel 0) at steps since..t, for every t: (T,)."""
    is_a = preset_inputs[:, 0].copy()
    is_a[:since] = 0
    return np.cumsum(is_a)


# ---------------------------------------------------------------- the registry


def test_registry_holds_the_five_presets_of_the_issue():
    assert set(PRESETS) >= {"latch", "counter", "reset", "vanishing_rnn", "exploding_rnn"}
    assert get_preset("latch") is PRESETS["latch"]


def test_unknown_preset_name_lists_the_valid_ones():
    with pytest.raises(ValueError, match="latch, counter, reset, vanishing_rnn, exploding_rnn"):
        get_preset("lacth")


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_is_self_consistent(name):
    preset = get_preset(name)
    steps, features = preset.inputs.shape
    assert features == preset.params.input_size == len(preset.input_labels)
    assert len(preset.x_labels) == steps == preset.length
    assert 0 <= preset.focus_step < steps and 0 <= preset.focus_unit < preset.params.hidden_size
    assert preset.story.count(". ") >= 3, "the story is a paragraph a teacher can read aloud"
    assert preset.model == ("lstm" if isinstance(preset.params, LSTMParams) else "rnn")
    with pytest.raises(ValueError):
        preset.inputs[0, 0] = 1.0  # shared module-level value: read-only


@pytest.mark.parametrize("name", list(PRESETS))
def test_make_inputs_regenerates_the_sequence_at_another_length(name):
    preset = get_preset(name)
    longer = preset.with_length(300, seed=4)
    assert longer.inputs.shape == (300, preset.params.input_size) and len(longer.x_labels) == 300
    np.testing.assert_array_equal(longer.inputs, preset.make_inputs(300, seed=4))
    np.testing.assert_array_equal(preset.make_inputs(preset.length, seed=preset.seed), preset.inputs)
    assert longer.params is preset.params and longer.story == preset.story


@pytest.mark.parametrize("length", [0, 1.5, True, "10", MAX_LENGTH + 1])
def test_make_inputs_refuses_a_bad_length(length):
    with pytest.raises(ValueError, match="length"):
        get_preset("latch").make_inputs(length)


def test_named_gate_levels_are_fully_open_and_fully_shut():
    assert sigmoid(OPEN) > 0.9999 and sigmoid(CLOSED) < 1e-4


def test_wiring_refuses_a_channel_that_does_not_exist():
    shut = GateWiring(CLOSED)
    with pytest.raises(ValueError, match="unknown channels"):
        one_unit_lstm(("a",), i=GateWiring(CLOSED, {"b": 1.0}), f=shut, g=shut, o=shut)


# ---------------------------------------------------------------- latch


@pytest.mark.parametrize(("length", "seed"), [(latch.DEFAULT_LENGTH, 0), (200, 1), (500, 2), (1000, 3)])
def test_latch_holds_value_for_100_steps(length, seed):
    preset = get_preset("latch").with_length(length, seed)
    trace = preset.run()
    store = preset.focus_step
    value = preset.inputs[store, 1]
    stored = trace.c[store, 0]
    assert trace.steps - 1 - store >= 100
    assert abs(stored - np.tanh(latch.VALUE_GAIN * value)) < 1e-3, "the open input gate writes g = tanh(value)"
    assert abs(trace.c[-1, 0] - stored) < LATCH_TOLERANCE
    assert abs(trace.c[store + 100, 0] / stored) > 0.995, "the story: more than 99.5 % is left after 100 steps"


def test_latch_input_gate_opens_only_on_the_marker():
    preset = get_preset("latch")
    trace = preset.run()
    marker = preset.inputs[:, 0] == 1
    assert marker.sum() == 1 and preset.x_labels[preset.focus_step].startswith("store ")
    assert trace.i[marker, 0].min() > 0.9999
    assert trace.i[~marker, 0].max() < 1e-4
    assert trace.f[:, 0].min() > 0.9999
    assert abs(trace.c[preset.focus_step - 1, 0]) < 1e-3, "distractors before the marker leave the cell empty"


def test_latch_output_gate_reveals_the_value_only_at_the_read_step():
    preset = get_preset("latch")
    trace = preset.run()
    assert preset.x_labels[-1] == "read"
    assert np.abs(trace.h[:-1, 0]).max() < 1e-4
    assert trace.h[-1, 0] == pytest.approx(np.tanh(trace.c[-1, 0]), abs=1e-4)


# ---------------------------------------------------------------- counter


@pytest.mark.parametrize(("length", "seed"), [(counter.DEFAULT_LENGTH, 0), (100, 1), (200, 2)])
def test_counter_cell_holds_k_times_the_number_of_as(length, seed):
    preset = get_preset("counter").with_length(length, seed)
    c = preset.run().c[:, 0]
    expected = counter.COUNT_STEP * count_so_far(preset.inputs)
    assert expected[-1] > 0
    np.testing.assert_array_less(np.abs(c - expected), counter.COUNT_TOLERANCE * expected + 1e-4)


def test_counter_b_changes_nothing():
    preset = get_preset("counter")
    c = preset.run().c[:, 0]
    is_b = preset.inputs[1:, 1] == 1
    np.testing.assert_allclose(c[1:][is_b], c[:-1][is_b], rtol=1e-4)


# ---------------------------------------------------------------- reset


@pytest.mark.parametrize(("length", "seed"), [(reset.DEFAULT_LENGTH, 0), (200, 1), (15, 2)])
def test_reset_wipes_memory(length, seed):
    preset = get_preset("reset").with_length(length, seed)
    trace = preset.run()
    resets = np.flatnonzero(preset.inputs[:, 2])
    assert resets.size >= 1 and resets[0] == preset.focus_step
    for step in resets:
        assert trace.f[step, 0] < 1e-4
        assert abs(trace.c[step, 0]) < reset.WIPED
    assert trace.f[preset.inputs[:, 2] == 0, 0].min() > 0.9999


def test_reset_counts_again_from_zero_after_the_reset():
    preset = get_preset("reset")
    c = preset.run().c[:, 0]
    last_reset = np.flatnonzero(preset.inputs[:, 2])[-1]
    before = np.flatnonzero(preset.inputs[:, 2])[0] - 1
    assert c[before] > 0.2, "the default sequence has something to wipe"
    expected = counter.COUNT_STEP * count_so_far(preset.inputs, since=last_reset)
    assert c[-1] == pytest.approx(expected[-1], rel=counter.COUNT_TOLERANCE)


# ---------------------------------------------------------------- vanishing and exploding RNNs


def test_spiral_rnn_has_spectral_radius_rho_and_largest_stretch_rho():
    for rho in (spiral.VANISHING_RHO, spiral.EXPLODING_RHO):
        params = spiral.spiral_rnn(rho)
        assert params.spectral_radius() == pytest.approx(rho)
        assert np.linalg.norm(params.weight_hh, 2) == pytest.approx(rho)


def test_vanishing_rnn_has_spectral_radius_below_one_and_its_gradient_vanishes():
    preset = get_preset("vanishing_rnn")
    assert isinstance(preset.params, RNNParams) and preset.params.spectral_radius() < 1
    flow = gradient_flow(preset.params, preset.inputs)
    rho = preset.params.spectral_radius()
    assert np.all(flow.jacobian_norm <= rho**flow.lag * (1 + FLOAT_SLACK))
    assert flow.decay_rate("jacobian_norm") <= rho + 1e-3
    assert flow.jacobian_norm[0] < 1e-4, "0.8⁴⁹ ≈ 2·10⁻⁵: a loss at the end barely sees step 0"


def test_vanishing_rnn_forgets_its_pulse_as_the_story_says():
    preset = get_preset("vanishing_rnn")
    size = np.linalg.norm(preset.run().h, axis=1)
    assert preset.focus_step == 11
    assert size[11] < 0.1 * size[0] and size[10] > 0.05 * size[0]
    assert 1e-6 < size[-1] < 3e-5, "after 50 steps about 0.00001 is left"


def test_exploding_rnn_has_spectral_radius_above_one_and_its_gradient_grows():
    preset = get_preset("exploding_rnn")
    assert preset.params.spectral_radius() > 1
    flow = gradient_flow(preset.params, preset.inputs)
    assert flow.overflow_step is None
    assert flow.decay_rate("jacobian_norm") > 1.15
    assert flow.decay_rate("dh_norm") > 1.15
    assert 5000 < flow.jacobian_norm[0] <= spiral.EXPLODING_RHO**49, "1.2⁴⁹ ≈ 7600, tanh′ ≈ 1 takes a little off"


def test_exploding_rnn_state_stays_in_the_linear_zone_of_tanh():
    size = np.linalg.norm(get_preset("exploding_rnn").run().h, axis=1)
    assert size.max() < 0.1 and size[-1] > 1000 * size[0]
