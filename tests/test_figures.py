"""The step-by-step figures show the trace's own numbers, in the same colours everywhere, and stay usable
(fixed axes, one animation frame per step, serialisable, themable, inputs untouched)."""

from __future__ import annotations

import json
import re
from itertools import pairwise

import numpy as np
import plotly.graph_objects as go
import pytest

from lstm_viz.core import LSTMParams, RNNParams, lstm_forward, lstm_forward_batch, rnn_forward
from lstm_viz.figures import (
    GATE_COLORS,
    SIGNED_SCALE,
    apply_theme,
    cell_diagram,
    conveyor_belt,
    gate_bars,
    gate_heatmaps,
    gate_scale,
)
from lstm_viz.figures._animation import MAX_FRAMES
from lstm_viz.figures.palette import OKABE_ITO, mix, relative_luminance
from lstm_viz.figures.theme import LOOKS, MIN_WIDTH_KEY, current_mode

T, H, D = 24, 5, 3
STEP, UNIT = 9, 2
GATES = ("i", "f", "g", "o")


@pytest.fixture(scope="module")
def lstm():
    params = LSTMParams.init(D, H, seed=3, forget_bias=1.0, recurrent_scale=1.5)
    x = np.random.default_rng(7).normal(size=(T, D))
    return params, lstm_forward(params, x)


@pytest.fixture(scope="module")
def trace(lstm):
    return lstm[1]


@pytest.fixture(scope="module")
def rnn_trace():
    params = RNNParams.init(D, H, seed=4, spectral_radius=0.9)
    return rnn_forward(params, np.random.default_rng(8).normal(size=(T, D)))


def annotation_texts(fig: go.Figure) -> list[str]:
    """Every label the figure shows: layout annotations and the text of text traces (``mode`` with "text")."""
    traced = [t for trace in fig.data if "text" in (getattr(trace, "mode", None) or "") for t in trace.text]
    return [a.text for a in fig.layout.annotations if a.text] + [t for t in traced if t]


def text_sizes(fig: go.Figure) -> list:
    """The font size of every label: annotations, then text traces (one size per trace)."""
    traced = [trace.textfont.size for trace in fig.data if "text" in (getattr(trace, "mode", None) or "")]
    return [a.font.size for a in fig.layout.annotations] + traced


def plain(text: str) -> str:
    """Annotation markup removed: '<b>f = 0.78</b>' -> 'f = 0.78', a line break -> ' ', typographic minus -> '-'."""
    return re.sub(r"<[^>]+>", "", text.replace("<br>", " ")).replace("−", "-")


# --- palette -----------------------------------------------------------------------------------------


def test_gate_colours_are_distinct_okabe_ito_hues():
    keys = ("i", "f", "g", "o", "c", "h")
    colours = [GATE_COLORS[k] for k in keys]
    assert len(set(colours)) == len(keys)
    assert set(colours) <= set(OKABE_ITO.values())
    assert GATE_COLORS["lstm"] != GATE_COLORS["rnn"]


def test_gate_scales_darken_monotonically_from_near_white():
    for key in ("i", "f", "o"):
        lum = [relative_luminance(color) for _, color in gate_scale(key)]
        assert lum[0] > 0.9
        assert all(a > b for a, b in pairwise(lum))


def test_signed_scale_is_white_at_zero_and_darkens_towards_both_ends():
    positions = [p for p, _ in SIGNED_SCALE]
    lum = [relative_luminance(color) for _, color in SIGNED_SCALE]
    middle = positions.index(0.5)
    assert lum[middle] == max(lum) > 0.9
    assert all(a < b for a, b in pairwise(lum[: middle + 1]))
    assert all(a > b for a, b in pairwise(lum[middle:]))


# --- cell diagram ------------------------------------------------------------------------------------


def test_cell_diagram_gate_blocks_show_the_trace_values_at_t(trace):
    fig = cell_diagram(trace, STEP, UNIT)
    texts = [tr for tr in fig.data if "text" in (tr.mode or "")]
    placed = [(plain(text), x, y) for tr in texts for text, x, y in zip(tr.text, tr.x, tr.y, strict=True)]
    for key in GATES:
        ((x, y),) = [(x, y) for text, x, y in placed if text == f"{key} = {'tanh' if key == 'g' else 'σ'}"]
        _, value = max((vy, text) for text, vx, vy in placed if vx == x and vy < y)  # right under the name
        assert value == f"{getattr(trace, key)[STEP, UNIT]:.3f}"  # the three decimals of every other label


def test_cell_diagram_flow_labels_show_c_h_kept_written(trace):
    texts = [plain(t) for t in annotation_texts(cell_diagram(trace, STEP, UNIT))]
    expected = {
        "ct-1 = ": trace.c_prev[STEP, UNIT],
        "ct = ": trace.c[STEP, UNIT],
        "ht = ": trace.h[STEP, UNIT],
        "ht-1 = ": trace.h_prev[STEP, UNIT],
        "kept f·c = ": trace.kept[STEP, UNIT],
        "written i·g = ": trace.written[STEP, UNIT],
        "tanh ct = ": trace.tanh_c[STEP, UNIT],
    }
    for prefix, value in expected.items():
        (label,) = [t for t in texts if t.startswith(prefix)]
        assert float(label[len(prefix) :]) == pytest.approx(round(float(value), 3), abs=1e-12)


def test_cell_diagram_blocks_are_filled_by_gate_value_in_the_gate_colour(trace):
    fig = cell_diagram(trace, STEP, UNIT)
    gate_colours = {GATE_COLORS[k] for k in GATES}
    fills = {s.line.color: s.fillcolor for s in fig.layout.shapes if s.fillcolor and s.line.color in gate_colours}
    for key in GATES:
        value = abs(float(getattr(trace, key)[STEP, UNIT]))
        assert fills[GATE_COLORS[key]] == mix(GATE_COLORS[key], value)


def test_cell_diagram_hover_gives_exact_values_and_preactivations(trace):
    (points,) = [d for d in cell_diagram(trace, STEP, UNIT).data if d.hovertext]
    hover = " ".join(points.hovertext)
    z_f = trace.preact[STEP, H + UNIT]
    assert f"σ({z_f:.3f})".replace("-", "−") in hover
    assert f"= {trace.f[STEP, UNIT]:.3f}".replace("-", "−") in hover


def test_cell_diagram_has_fixed_equal_aspect_axes_and_shows_the_input_label(trace):
    fig = cell_diagram(trace, STEP, UNIT, x_label="'h'")
    assert fig.layout.yaxis.scaleanchor == "x" and fig.layout.yaxis.scaleratio == 1
    assert fig.layout.xaxis.fixedrange and fig.layout.yaxis.fixedrange
    assert tuple(fig.layout.xaxis.range) == (0, 16)
    assert any("'h'" in t for t in annotation_texts(fig))
    numeric = " ".join(annotation_texts(cell_diagram(trace, STEP, UNIT)))
    assert ", ".join(f"{v:.2f}" for v in trace.x[STEP]).replace("-", "−") in numeric


def test_cell_diagram_rejects_an_rnn_and_out_of_range_indices(trace, rnn_trace):
    with pytest.raises(ValueError, match="LSTM"):
        cell_diagram(rnn_trace, 0)
    with pytest.raises(ValueError, match=r"t must be in \[0, 23\]"):
        cell_diagram(trace, T)
    with pytest.raises(ValueError, match="unit"):
        cell_diagram(trace, 0, unit=H)


# --- gate bars ---------------------------------------------------------------------------------------


def test_gate_bars_rows_hold_every_unit_at_t_with_the_focus_in_full_colour(trace):
    fig = gate_bars(trace, STEP, focus_unit=UNIT)
    assert [bar.name for bar in fig.data] == ["input gate", "forget gate", "candidate", "output gate", "cell state",
                                              "hidden state"]  # fmt: skip
    for bar, key in zip(fig.data, ("i", "f", "g", "o", "c", "h"), strict=True):
        np.testing.assert_array_equal(bar.y, getattr(trace, key)[STEP])
        assert bar.marker.color[UNIT] == GATE_COLORS[key]
        assert all(c != GATE_COLORS[key] for u, c in enumerate(bar.marker.color) if u != UNIT)
        assert [u for u, text in enumerate(bar.text) if text] == [UNIT]


def test_gate_bars_axes_do_not_move_when_t_changes(trace):
    ranges = [[tuple(getattr(gate_bars(trace, t).layout, f"yaxis{n or ''}").range) for n in ("", 2, 3, 4, 5, 6)]
              for t in (0, T - 1)]  # fmt: skip
    assert ranges[0] == ranges[1]
    assert ranges[0][1] == pytest.approx((0.0, 1.18))  # forget gate: 0..1 plus room for the label


def test_gate_bars_of_an_rnn_show_a_and_h(rnn_trace):
    fig = gate_bars(rnn_trace, 3)
    np.testing.assert_array_equal(fig.data[0].y, rnn_trace.a[3])
    np.testing.assert_array_equal(fig.data[1].y, rnn_trace.h[3])


# --- heatmaps ----------------------------------------------------------------------------------------


def test_heatmap_z_is_the_trace_transposed_units_by_time(trace):
    fig = gate_heatmaps(trace, t=STEP)
    for heat, key in zip(fig.data, ("i", "f", "g", "o", "c", "h"), strict=True):
        np.testing.assert_allclose(heat.z, getattr(trace, key).T, rtol=1e-6, atol=1e-7)
        assert f": {key} = %{{z:.3f}}" in heat.hovertemplate and "step %{x}, unit %{y}" in heat.hovertemplate


def test_heatmap_scales_gates_zero_to_one_and_signed_quantities_symmetric(trace):
    heats = {h.name: h for h in gate_heatmaps(trace).data}
    assert (heats["forget gate"].zmin, heats["forget gate"].zmax) == (0.0, 1.0)
    assert heats["forget gate"].colorscale[-2][1] == GATE_COLORS["f"]
    assert (heats["candidate"].zmin, heats["candidate"].zmax, heats["candidate"].zmid) == (-1.0, 1.0, 0.0)
    cell = heats["cell state"]
    assert cell.zmin == -cell.zmax and cell.zmax >= np.abs(trace.c).max() and cell.zmid == 0.0
    # colourbars labelled at their ends only: on a six-row print a middle "0" touched both neighbours
    assert all(list(h.colorbar.tickvals) == [h.zmin, h.zmax] for h in heats.values())


def test_an_rnns_two_heatmap_rows_leave_room_for_a_projector_sized_row_title(rnn_trace):
    """The app draws the RNN's a and h rows 360 px high (450 on a projector): the gap must hold the h row's title."""
    fig = apply_theme(gate_heatmaps(rnn_trace, t=3), "presentation")
    plot_px = 360 * 1.25 - fig.layout.margin.t - fig.layout.margin.b
    gap_px = (fig.layout.yaxis.domain[0] - fig.layout.yaxis2.domain[1]) * plot_px
    assert gap_px >= 1.5 * fig.layout.font.size


def test_heatmap_cursor_marks_step_t_in_every_row(trace):
    fig = gate_heatmaps(trace, t=STEP)
    assert [(s.type, s.x0, s.x1) for s in fig.layout.shapes] == [("rect", STEP - 0.5, STEP + 0.5)] * 6
    assert all(s.fillcolor == "rgba(0,0,0,0)" for s in fig.layout.shapes)  # a frame: the cells at t stay visible
    assert not gate_heatmaps(trace).layout.shapes


def test_heatmaps_of_an_rnn_trace_show_a_and_h(rnn_trace):
    fig = gate_heatmaps(rnn_trace, t=2)
    assert [h.name for h in fig.data] == ["pre-activation", "hidden state"]
    np.testing.assert_allclose(fig.data[0].z, rnn_trace.a.T, rtol=1e-6)


# --- conveyor belt -----------------------------------------------------------------------------------


OVERLAY = list(range(7, 11))  # after the 7 data traces: (curtain, markers) of the top row, then of the gate row


def frame_trace(frame: go.Frame, role: str, row: int = 1):
    """The frame's data for the overlay trace of row ``row`` with the given role (curtain or markers)."""
    return frame.data[(row - 1) * 2 + ("curtain", "markers").index(role)]


def test_conveyor_data_are_kept_written_c_h_and_the_gates_of_the_unit(trace):
    fig = conveyor_belt(trace, UNIT)
    kept, written_band, c, h, f, i, o = fig.data[:7]
    np.testing.assert_array_equal(kept.y, trace.kept[:, UNIT])
    np.testing.assert_array_equal(written_band.customdata, trace.written[:, UNIT])
    np.testing.assert_allclose(written_band.y - kept.y, trace.written[:, UNIT], atol=1e-12)  # the band is i·g thick
    for line, key in ((c, "c"), (h, "h"), (f, "f"), (i, "i"), (o, "o")):
        np.testing.assert_array_equal(line.y, getattr(trace, key)[:, UNIT])
        assert line.line.color == GATE_COLORS[key]


def test_conveyor_has_one_frame_and_one_slider_step_per_step(trace):
    fig = conveyor_belt(trace, UNIT, t=STEP)
    (slider,) = fig.layout.sliders
    assert [f.name for f in fig.frames] == [str(k) for k in range(T)]
    assert [list(s.args[0]) for s in slider.steps] == [[str(k)] for k in range(T)]
    assert slider.active == STEP
    assert slider.currentvalue.prefix == "step t = "


def test_conveyor_last_frame_marks_the_last_step_values(trace):
    last = conveyor_belt(trace, UNIT).frames[-1]
    top, bottom = frame_trace(last, "markers", 1), frame_trace(last, "markers", 2)
    assert top.y == (trace.c[-1, UNIT], trace.h[-1, UNIT])
    assert bottom.y == (trace.f[-1, UNIT], trace.i[-1, UNIT], trace.o[-1, UNIT])
    assert [t.split(" = ")[0] for t in top.text] == ["c", "h"]
    assert frame_trace(last, "curtain").x[:2] == (T - 1, T - 1)  # the cursor, the curtain's left edge, at the end


def _saturated_trace(steps: int = 12):
    """Input, forget and output gates held at one (their biases at +20), the candidate at tanh(0.5)."""
    params = LSTMParams(
        weight_ih=np.zeros((4, 1)), weight_hh=np.zeros((4, 1)),
        bias_ih=np.array([20.0, 20.0, 0.5, 20.0]), bias_hh=np.zeros(4),
    )  # fmt: skip
    return lstm_forward(params, np.zeros((steps, 1)))


def test_conveyor_gates_that_read_the_same_share_one_label():
    fig = conveyor_belt(_saturated_trace(), 0, t=4)
    for markers in (fig.data[-1], *(frame_trace(frame, "markers", 2) for frame in fig.frames)):
        assert [text for text in markers.text if text.strip()] == ["f = i = o = 1.000"]  # not three on one spot
        labelled = next(k for k, text in enumerate(markers.text) if text.strip())
        assert markers.textposition[labelled].startswith("top ")  # above the gates' line at 1, not on it


def test_conveyor_dots_without_a_label_keep_a_blank_text_that_frames_can_fill():
    # plotly.js creates a point's text only when it is non-empty, and frames drawn with redraw=False only
    # update texts: a dot that starts unlabelled must still own a (blank) text, or later frames lose its label.
    fig = conveyor_belt(_saturated_trace(), 0, t=4)
    for markers in (fig.data[-1], fig.data[-3], *(frame_trace(frame, "markers", 2) for frame in fig.frames)):
        assert all(text != "" for text in markers.text)


def test_conveyor_labels_name_every_value_and_stay_a_label_height_apart(trace):
    gate_range = 1.12 - (-0.04)
    for frame in conveyor_belt(trace, UNIT).frames:
        markers = frame_trace(frame, "markers", 2)
        labels = [(y, text) for y, text in zip(markers.y, markers.text, strict=True) if text.strip()]
        named = re.findall(r"\b([fio]) (?==)", " ".join(text for _, text in labels))
        assert sorted(named) == ["f", "i", "o"]
        heights = sorted(y for y, _ in labels)
        assert all(b - a >= 0.1 * gate_range for a, b in pairwise(heights))


def test_conveyor_frames_only_move_the_overlay_so_the_payload_stays_small(trace):
    fig = conveyor_belt(trace, UNIT)
    assert all(list(frame.traces) == OVERLAY for frame in fig.frames)
    assert all(set(d.to_plotly_json()) <= {"x", "y", "text", "textposition", "type"} for d in fig.frames[0].data)


def test_conveyor_static_figure_shows_step_t_and_play_resumes_there(trace):
    fig = conveyor_belt(trace, UNIT, t=STEP)
    assert fig.data[7].x[:2] == (STEP, STEP)  # the curtain covers what comes after step t
    assert fig.data[8].y == (trace.c[STEP, UNIT], trace.h[STEP, UNIT])
    (menu,) = fig.layout.updatemenus
    play, pause = menu.buttons
    assert list(play.args[0]) == [str(k) for k in range(STEP, T)]
    assert play.args[1]["frame"]["redraw"] is False and play.args[1]["fromcurrent"] is True
    assert list(pause.args[0]) == [None]
    assert pause.args[1] == ({"frame": {"duration": 0, "redraw": False}, "transition": {"duration": 0},
                              "mode": "immediate"})  # fmt: skip


def test_conveyor_without_t_shows_everything_and_plays_from_the_start(trace):
    fig = conveyor_belt(trace, UNIT)
    assert fig.layout.sliders[0].active == T - 1
    assert fig.layout.updatemenus[0].buttons[0].args[0] is None


def test_conveyor_of_2000_steps_keeps_about_200_frames_including_t_and_the_last(lstm):
    params, _ = lstm
    long = lstm_forward(params, np.random.default_rng(1).normal(size=(2000, D)))
    fig = conveyor_belt(long, 0, t=1234)
    names = [int(f.name) for f in fig.frames]
    assert len(names) <= MAX_FRAMES + 1 and names[0] == 0 and names[-1] == 1999 and 1234 in names
    assert len(fig.layout.sliders[0].steps) == len(names)
    assert fig.layout.sliders[0].active == names.index(1234)
    assert len(fig.to_json()) < 1_000_000


def test_conveyor_without_animation_has_no_frames_or_controls(trace):
    fig = conveyor_belt(trace, UNIT, t=3, animate=False)
    assert not fig.frames and not fig.layout.updatemenus and not fig.layout.sliders
    assert fig.data[7].x[0] == 3


def test_conveyor_labels_steps_with_the_input_characters(trace):
    chars = list("hello world, lstm rocks!")
    fig = conveyor_belt(trace, UNIT, t=4, x_labels=chars)
    assert fig.layout.xaxis.ticktext[:6] == ("h", "e", "l", "l", "o", "␣")
    assert fig.layout.sliders[0].steps[4].label == "4  o"
    with pytest.raises(ValueError, match="24 labels"):
        conveyor_belt(trace, UNIT, x_labels=chars[:-1])


# --- one colour per gate, everywhere -----------------------------------------------------------------


def test_each_gate_has_the_same_colour_in_every_figure(trace):
    diagram = {s.line.color for s in cell_diagram(trace, STEP, UNIT).layout.shapes}
    bars = {b.name: b.marker.color[UNIT] for b in gate_bars(trace, STEP, UNIT).data}
    belt = {line.name: line.line.color for line in conveyor_belt(trace, UNIT).data[2:7]}
    heat = {h.name: h.colorscale for h in gate_heatmaps(trace).data}
    for key, name in (("i", "input gate"), ("f", "forget gate"), ("o", "output gate")):
        assert GATE_COLORS[key] in diagram
        assert bars[name] == GATE_COLORS[key]
        assert belt[f"gate {key}<sub>t</sub>"] == GATE_COLORS[key]
        assert GATE_COLORS[key] in [color for _, color in heat[name]]
    assert belt["cell state c<sub>t</sub>"] == bars["cell state"] == GATE_COLORS["c"]


# --- every figure: serialisable, themable, inputs untouched -------------------------------------------


def all_trace_figures(trace, rnn_trace):
    return {
        "cell": cell_diagram(trace, STEP, UNIT, x_label="'a'"),
        "bars": gate_bars(trace, STEP, UNIT),
        "bars_rnn": gate_bars(rnn_trace, STEP, UNIT),
        "heat": gate_heatmaps(trace, STEP),
        "heat_rnn": gate_heatmaps(rnn_trace, STEP),
        "belt": conveyor_belt(trace, UNIT, t=STEP, x_labels=list("abcdefghijklmnopqrstuvwx")),
    }


def test_every_figure_serialises_to_json(trace, rnn_trace):
    for name, fig in all_trace_figures(trace, rnn_trace).items():
        spec = json.loads(fig.to_json())
        assert spec["data"], name
        assert spec["layout"]["meta"]["lstm_viz_theme"] == "screen"


def test_figures_leave_the_trace_untouched(trace, rnn_trace):
    before = {k: np.array(getattr(trace, k)) for k in ("x", "preact", "i", "f", "g", "o", "c", "h", "h0", "c0")}
    all_trace_figures(trace, rnn_trace)
    for key, value in before.items():
        np.testing.assert_array_equal(getattr(trace, key), value)


def test_a_batched_trace_is_drawn_one_sequence_at_a_time(lstm):
    params, _ = lstm
    xs = np.random.default_rng(2).normal(size=(3, T, D))
    batch = lstm_forward_batch(params, xs)
    single = lstm_forward(params, xs[1])
    assert cell_diagram(batch, STEP, UNIT, sample=1).to_json() == cell_diagram(single, STEP, UNIT).to_json()
    np.testing.assert_array_equal(gate_bars(batch, STEP, sample=1).data[1].y, single.f[STEP])
    with pytest.raises(ValueError, match="sample must be in"):
        gate_heatmaps(batch, sample=3)


@pytest.mark.parametrize("mode", ["presentation", "print"])
def test_themes_make_text_big_enough_for_the_room(trace, mode):
    fig = apply_theme(gate_heatmaps(trace, STEP), mode)
    assert current_mode(fig) == mode
    assert fig.layout.title.font.size >= 26
    assert fig.layout.font.size >= 20 and fig.layout.xaxis.tickfont.size >= 19  # ≥ 14 pt
    assert fig.layout.paper_bgcolor == "#FFFFFF" and fig.layout.plot_bgcolor == "#FFFFFF"


def test_theme_rescales_labels_and_switching_back_does_not_compound(trace):
    fig = cell_diagram(trace, STEP, UNIT)
    screen = text_sizes(fig)
    assert len(screen) >= 4 and None not in screen  # the x_t annotation and the text traces: every label sized
    width = fig.layout.meta[MIN_WIDTH_KEY]  # the width its labels need
    apply_theme(fig, "presentation")
    ratio = LOOKS["presentation"].base / LOOKS["screen"].base
    assert text_sizes(fig) == [round(s * ratio, 1) for s in screen]
    assert fig.layout.meta[MIN_WIDTH_KEY] == round(width * ratio)  # grows with them
    apply_theme(apply_theme(fig, "print"), "screen")
    assert text_sizes(fig) == pytest.approx(screen, abs=0.15)
    assert fig.layout.meta[MIN_WIDTH_KEY] == pytest.approx(width, abs=1)
    with pytest.raises(ValueError, match="mode must be one of"):
        apply_theme(fig, "dark")
