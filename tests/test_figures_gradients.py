"""The long-lag figures: gradient flow (with overflow shown, not hidden), the readout, text colouring,
input connectivity and loss curves all plot exactly the numbers they are given."""

from __future__ import annotations

import dataclasses
import json
import re

import numpy as np
import pytest

from lstm_viz.analysis import gradient_story
from lstm_viz.core import LSTMParams, RNNParams, gradient_flow
from lstm_viz.figures import (
    GATE_COLORS,
    connectivity_bars,
    decay_readout,
    gradient_flow_figure,
    loss_curves,
    text_heat,
)
from lstm_viz.figures.gradients import cell_readout, format_rate
from lstm_viz.figures.palette import SIGNED_SCALE, gate_scale
from lstm_viz.presets import get_preset

T, H, D = 60, 8, 3
OVERFLOW_FROM_STEP = 20  # steps 0..20 (lags 39..59) overflow in the doctored flow below
TINY_GAIN = 1e-3  # W_hh = 10⁻³·I: a gradient that shrinks a thousandfold per step, to underflow at lag 108


@pytest.fixture(scope="module")
def flows():
    x = np.random.default_rng(3).normal(size=(T, D))
    lstm = gradient_flow(LSTMParams.init(D, H, seed=0, forget_bias=3.0), x)
    rnn = gradient_flow(RNNParams.init(D, H, seed=0, spectral_radius=0.8), x)
    return {"LSTM": lstm, "RNN": rnn}


@pytest.fixture(scope="module")
def overflowed(flows):
    """A real RNN flow whose early steps are set to inf, as an exploding gradient leaves them."""
    flow = gradient_flow(RNNParams.init(D, H, seed=1, spectral_radius=1.5), np.ones((T, D)))
    dh = np.array(flow.dh_norm)
    dh[: OVERFLOW_FROM_STEP + 1] = np.inf
    return dataclasses.replace(flow, dh_norm=dh, finite=np.isfinite(dh), overflow_step=OVERFLOW_FROM_STEP)


def plain(text: str) -> str:
    return re.sub(r"<[^>]+>", "", text)


# --- gradient flow -----------------------------------------------------------------------------------


def test_gradient_lines_are_the_flow_norms_against_the_lag(flows):
    fig = gradient_flow_figure(flows)
    by_name = {plain(tr.name).split("  ×")[0]: tr for tr in fig.data}
    for label, flow in flows.items():
        line = by_name[f"{label}  ‖∂L/∂ht‖"]
        np.testing.assert_array_equal(line.x, flow.lag)
        np.testing.assert_array_equal(line.y, flow.dh_norm)
        assert line.line.color == GATE_COLORS[label.lower()] and line.line.dash is None
    cell = by_name["LSTM  ‖∂L/∂ct‖"]
    np.testing.assert_array_equal(cell.y, flows["LSTM"].dc_norm)
    assert cell.line.dash == "dash"
    assert "RNN  ‖∂L/∂ct‖" not in by_name
    assert fig.layout.yaxis.type == "log"


def test_gradient_legend_gives_each_fitted_rate_per_step(flows):
    names = [plain(tr.name) for tr in gradient_flow_figure(flows).data]
    assert f"RNN  ‖∂L/∂ht‖  × {format_rate(flows['RNN'].decay_rate())}/step" in names
    assert f"LSTM  ‖∂L/∂ct‖  × {format_rate(flows['LSTM'].decay_rate('dc_norm'))}/step" in names


def test_overflowed_gradients_are_marked_shaded_and_named_not_dropped(flows, overflowed):
    fig = gradient_flow_figure({"LSTM": flows["LSTM"], "RNN": overflowed})
    first_bad_lag = T - 1 - OVERFLOW_FROM_STEP
    notes = [plain(a.text) for a in fig.layout.annotations]
    assert any(f"RNN: overflow beyond lag {first_bad_lag - 1}" in note for note in notes)
    (marks,) = [tr for tr in fig.data if tr.name == "RNN: overflow (inf/NaN)"]
    np.testing.assert_array_equal(np.sort(marks.x), np.arange(first_bad_lag, T))
    top_decade = 10 ** np.ceil(np.log10(np.max(overflowed.dh_norm[np.isfinite(overflowed.dh_norm)])))
    assert np.all(np.array(marks.y) == top_decade)  # along the top edge of the plot
    (shade,) = fig.layout.shapes
    assert (shade.x0, shade.x1) == (first_bad_lag - 0.5, T - 0.5)
    (line,) = [tr for tr in fig.data if plain(tr.name).startswith("RNN  ‖∂L/∂ht‖")]
    assert np.all(np.isnan(line.y[overflowed.lag >= first_bad_lag]))  # a gap on the axis, marked above it


def test_gradients_that_underflow_to_zero_are_marked_at_the_bottom():
    """W_hh = 10⁻³·I at the fixed point h = 0: ‖∂L/∂h_t‖ = 10^(−3·lag) shrinks past float64's floor at lag 108."""
    flow = gradient_flow(
        RNNParams(np.ones((4, 1)), TINY_GAIN * np.eye(4), np.zeros(4), np.zeros(4)), np.zeros((120, 1))
    )
    zero = flow.dh_norm == 0
    assert zero.any() and np.min(flow.dh_norm[~zero]) < 1e-300  # it shrank all the way down, then hit 0
    fig = gradient_flow_figure({"RNN": flow})
    (marks,) = [tr for tr in fig.data if tr.name == "RNN: underflow (below 1e-308)"]
    np.testing.assert_array_equal(np.sort(marks.x), np.sort(flow.lag[zero]))
    assert not any("no path back" in tr.name for tr in fig.data)


def test_a_gradient_that_is_exactly_0_for_want_of_a_path_is_not_called_underflow():
    """W_hh = 0: h_t reaches nothing later, so ∂L/∂h_t = 0 at once, after the ordinary value 1 at lag 0."""
    flow = gradient_flow(RNNParams(np.ones((3, 1)), np.zeros((3, 3)), np.zeros(3), np.zeros(3)), np.ones((8, 1)))
    fig = gradient_flow_figure({"RNN": flow})
    (marks,) = [tr for tr in fig.data if tr.name == "RNN: exactly 0: no path back"]
    np.testing.assert_array_equal(np.sort(marks.x), np.arange(1, 8))
    assert not any("underflow" in tr.name for tr in fig.data)
    assert "exactly 0: a factor on the way back is 0" in marks.hovertemplate


def test_two_flows_of_the_same_model_get_distinct_colours(flows):
    fig = gradient_flow_figure({"RNN ρ=0.8": flows["RNN"], "RNN again": flows["RNN"]})
    colours = {tr.line.color for tr in fig.data}
    assert GATE_COLORS["rnn"] in colours and len(colours) == 2


def test_decay_readout_states_the_rate_and_the_reach(flows, overflowed):
    rnn = flows["RNN"]
    rate = rnn.decay_rate()
    steps = np.log(1e-6) / np.log(rate)
    assert decay_readout(rnn) == f"RNN: gradient × {format_rate(rate)} per step: 1e-6 after {steps:,.0f} steps"
    assert decay_readout(flows["LSTM"]).startswith("LSTM: gradient × ")
    assert decay_readout(overflowed).endswith(f"; overflow beyond lag {T - 1 - OVERFLOW_FROM_STEP - 1}")


def test_rates_show_as_many_decimals_as_their_distance_from_one_needs():
    assert [format_rate(r) for r in (0.62, 0.95, 0.998, 0.9995, 1.3, 1.0)] == [
        "0.62", "0.95", "0.998", "0.9995", "1.30", "1.00"]  # fmt: skip
    assert format_rate(float("nan")) == "n/a"


# --- a rate only where a line describes the curve ------------------------------------------------------


@pytest.fixture(scope="module")
def reset_flow():
    """The reset preset on 60 steps: resets at steps 20 and 40 shut f, so ‖∂L/∂c_t‖ is a staircase."""
    preset = get_preset("reset").with_length(60)
    return gradient_flow(preset.params, preset.inputs)


def legend(fig) -> list[str]:
    return [plain(tr.name) for tr in fig.data]


def test_the_reset_staircase_is_described_by_its_drops_not_by_a_per_step_rate(reset_flow):
    text = decay_readout(reset_flow)
    assert text.startswith(
        "LSTM: cell path ‖∂L/∂c_t‖: no steady per-step rate: it holds, then drops ×5e-5 at lags 20 and 40 "
        "(×2e-9 over 59 steps)"
    ), text
    assert " per step:" not in text and "1e-6 after" not in text
    names = legend(gradient_flow_figure({"LSTM": reset_flow}))
    assert "LSTM  ‖∂L/∂ct‖  not steady: drops ×5e-5 at lags 20, 40" in names, names
    assert not any("/step" in name for name in names), names


def test_the_view_cell_line_follows_the_same_rule(reset_flow, flows):
    assert cell_readout(reset_flow).startswith("LSTM cell path ‖∂L/∂c_t‖: no steady per-step rate: it holds")
    rate = flows["LSTM"].decay_rate("dc_norm")
    assert cell_readout(flows["LSTM"]).startswith(f"LSTM cell path ‖∂L/∂c_t‖: × {format_rate(rate)} per step: 1e-6")


def test_a_clean_geometric_decay_keeps_its_rate_in_readout_and_legend():
    """W_hh = ½·I at the fixed point h = 0: ‖∂L/∂h_t‖ = ½^lag exactly, a straight line."""
    flow = gradient_flow(RNNParams(np.ones((4, 1)), 0.5 * np.eye(4), np.zeros(4), np.zeros(4)), np.zeros((60, 1)))
    assert decay_readout(flow) == "RNN: gradient × 0.50 per step: 1e-6 after 20 steps"
    assert "RNN  ‖∂L/∂ht‖  × 0.50/step" in legend(gradient_flow_figure({"RNN": flow}))


@pytest.mark.parametrize("seed", range(3))
def test_the_gradient_storys_random_models_all_read_as_a_rate(seed):
    """RNNs of spectral radius 0.5 … 1.1 and LSTMs of forget bias 0, 1, 3 on 100 noisy steps decay steadily."""
    for curve in gradient_story(seed=seed).curves:
        for quantity in ("dh_norm", "dc_norm") if curve.model == "lstm" else ("dh_norm",):
            names = legend(gradient_flow_figure({"M": curve.flow}))
            assert re.search(r" × [\d.]+/step$", names[quantity == "dc_norm"]), (curve.label, names)
        assert " per step: " in decay_readout(curve.flow), (curve.label, decay_readout(curve.flow))


def test_a_curve_that_holds_and_then_explodes_is_described_by_its_knee():
    """The exploding preset on 200 steps: its RNN saturates near the loss (flat), then grows ×1.2 per step."""
    preset = get_preset("exploding_rnn").with_length(200)
    text = decay_readout(gradient_flow(preset.params, preset.inputs))
    assert re.fullmatch(
        r"RNN: gradient: no steady per-step rate: × 1\.000\d per step to lag 1\d\d, then × 1\.20 per step "
        r"\(×5e4 over 199 steps\)", text), text  # fmt: skip


def test_the_latchs_zero_h_gradient_is_named_no_path_back_everywhere():
    """The latch's W_hh is 0: ∂L/∂h_t = 0 exactly before the last step because h_t reaches nothing later."""
    preset = get_preset("latch")
    flow = gradient_flow(preset.params, preset.inputs)
    text = decay_readout(flow)
    assert f"exactly 0 before step {flow.steps - 1} (no path back)" in text and "underflow" not in text
    names = legend(gradient_flow_figure({"LSTM": flow}))
    assert (
        "LSTM: exactly 0: no path back" in names and "LSTM  ‖∂L/∂ht‖  = 0 before the last step: no path back" in names
    )
    assert not any("underflow" in name for name in names), names


# --- text heat and connectivity ----------------------------------------------------------------------


def test_text_heat_lays_the_characters_out_in_lines_coloured_by_value():
    text = "the quick brown fox jumps over the lazy dog " * 3
    values = np.linspace(-2, 1, len(text))
    (heat,) = text_heat(text, values, value_name="c").data
    lines = int(np.ceil(len(text) / 60))
    assert np.shape(heat.z) == (lines, 60)
    np.testing.assert_array_equal(np.ravel(heat.z)[: len(text)], values)
    assert np.all(np.isnan(np.ravel(heat.z)[len(text) :]))
    letters = "".join(re.sub(r"<[^>]+>", "", cell) for row in heat.text for cell in row)  # each in its own colour
    assert letters[: len(text)] == text
    assert heat.hovertext[0][4] == f"step 4 'q': c = {values[4]:.3f}".replace("-", "−")
    assert (heat.zmin, heat.zmax, heat.zmid) == (-2.0, 2.0, 0.0) and heat.colorscale == tuple(
        tuple(stop) for stop in SIGNED_SCALE)  # fmt: skip


def test_text_heat_of_a_gate_uses_its_own_scale_from_zero_to_one():
    (heat,) = text_heat("abc", [0.1, 0.5, 0.9], scale="gate", value_name="f").data
    assert (heat.zmin, heat.zmax) == (0.0, 1.0)
    assert heat.colorscale == tuple(tuple(stop) for stop in gate_scale("f"))
    with pytest.raises(ValueError, match="same length"):
        text_heat("abcd", [0.1, 0.5, 0.9])
    with pytest.raises(ValueError, match="scale must be"):
        text_heat("abc", [0.1, 0.5, 0.9], scale="rainbow")


def test_connectivity_bars_share_one_log_axis_and_count_what_a_log_axis_cannot_show():
    lstm, rnn = 0.9 ** np.arange(30.0)[::-1], 0.5 ** np.arange(30.0)[::-1]
    rnn[:3] = 0.0
    fig = connectivity_bars({"LSTM": lstm, "RNN": rnn}, labels=list("abcdefghijklmnopqrstuvwxyz1234"))
    np.testing.assert_array_equal(fig.data[0].y, lstm)
    np.testing.assert_array_equal(fig.data[1].y[3:], rnn[3:])
    assert np.all(np.isnan(fig.data[1].y[:3]))
    assert fig.layout.yaxis.type == fig.layout.yaxis2.type == "log"
    assert fig.layout.yaxis.range == fig.layout.yaxis2.range
    assert [b.marker.color for b in fig.data] == [GATE_COLORS["lstm"], GATE_COLORS["rnn"]]
    assert any("3 steps exactly 0" in a.text for a in fig.layout.annotations)
    with pytest.raises(ValueError, match="same length"):
        connectivity_bars({"LSTM": lstm, "RNN": rnn[:-1]})


# --- loss curves -------------------------------------------------------------------------------------


def test_loss_curves_plot_the_histories_on_a_log_axis_with_reference_lines():
    lstm = np.geomspace(0.2, 0.002, 50)
    steps, rnn = np.arange(0, 500, 10), np.full(50, 0.17)
    fig = loss_curves({"LSTM": lstm, "RNN": (steps, rnn)}, baseline=(1 / 6, "baseline MSE 0.167"), target=0.01)
    np.testing.assert_array_equal(fig.data[0].y, lstm)
    np.testing.assert_array_equal(fig.data[0].x, np.arange(50))
    np.testing.assert_array_equal(fig.data[1].x, steps)
    assert fig.layout.yaxis.type == "log"
    assert [(s.y0, s.line.dash) for s in fig.layout.shapes if s.line.dash] == [(1 / 6, "dash"), (0.01, "dot")]
    halos = [s for s in fig.layout.shapes if s.line.color == "white"]  # each line parted from a curve lying on it
    assert [s.y0 for s in halos] == [1 / 6, 0.01] and all(h.line.width > 2 * 2 for h in halos)
    keys = {t.name: t.line.dash for t in fig.data if t.name not in ("LSTM", "RNN")}
    assert keys == {"baseline MSE 0.167": "dash", "target 0.010": "dot"}  # named in the legend, not on the curves
    assert not fig.layout.annotations


def test_a_diverged_run_is_marked_where_its_loss_became_nan():
    losses = np.geomspace(0.2, 0.05, 40)
    losses[25:] = np.nan
    fig = loss_curves({"RNN lr=1": losses, "LSTM": np.geomspace(0.2, 0.01, 40)})
    (marker,) = [tr for tr in fig.data if tr.name == "RNN lr=1: diverged"]
    assert marker.x == (25,) and marker.y == (losses[24],)
    assert any(a.text == "RNN lr=1 diverged at step 25" for a in fig.layout.annotations)
    assert fig.data[0].line.color == GATE_COLORS["rnn"] and fig.data[2].line.color == GATE_COLORS["lstm"]


def test_inputs_are_not_modified_and_figures_serialise(flows):
    values = np.linspace(-1, 1, 10)
    conn = {"LSTM": np.linspace(1, 2, 10), "RNN": np.zeros(10)}
    history = [1.0, np.nan, 0.5]
    copies = (values.copy(), {k: v.copy() for k, v in conn.items()}, list(history))
    figures = [
        text_heat("abcdefghij", values),
        connectivity_bars(conn),
        loss_curves({"RNN": history}, baseline=0.167),
        gradient_flow_figure(flows),
    ]
    np.testing.assert_array_equal(values, copies[0])
    for key in conn:
        np.testing.assert_array_equal(conn[key], copies[1][key])
    assert history[0] == 1.0 and np.isnan(history[1]) and history[2] == 0.5
    for fig in figures:
        assert json.loads(fig.to_json())["layout"]["meta"]["lstm_viz_theme"] == "screen"


def test_legend_says_why_a_line_has_no_rate_instead_of_n_a(flows):
    lstm = flows["LSTM"]
    silent = dataclasses.replace(lstm, dh_norm=np.where(lstm.lag > 0, 0.0, lstm.dh_norm))  # a shut output gate
    names = [trace.name for trace in gradient_flow_figure({"LSTM": silent}).data if trace.name]
    assert any("‖∂L/∂h<sub>t</sub>‖  = 0 before the last step" in name for name in names), names
    assert not any("n/a" in name for name in names), names
    assert any("‖∂L/∂c<sub>t</sub>‖  × " in name for name in names), names  # the cell path keeps its rate
