"""Print polish: every text ≥ 14 pt at 1280×720, whole unit ticks, informative belt ticks, readable text heat,
controls that do not overlap, and a decay read-out for the latch whose ‖∂L/∂h‖ is 0 until the read."""

from __future__ import annotations

import re

import numpy as np
import plotly.graph_objects as go
import pytest

from lstm_viz.core import LSTMParams, RNNParams, gradient_flow, lstm_forward, rnn_forward
from lstm_viz.export.prepare import static_spec
from lstm_viz.figures import (
    apply_theme,
    cell_diagram,
    connectivity_bars,
    conveyor_belt,
    decay_readout,
    gate_bars,
    gate_heatmaps,
    gradient_flow_figure,
    loss_curves,
    text_heat,
)
from lstm_viz.figures.palette import INK, relative_luminance
from lstm_viz.figures.theme import LOOKS
from lstm_viz.presets import get_preset

MIN_PRINT_PX = 18.7  # 14 pt at 1280×720 px (1 pt = 4/3 px)
T, H, D = 24, 5, 3
WHITE = "#FFFFFF"


@pytest.fixture(scope="module")
def trace():
    params = LSTMParams.init(D, H, seed=3, forget_bias=1.0, recurrent_scale=1.5)
    return lstm_forward(params, np.random.default_rng(7).normal(size=(T, D)))


@pytest.fixture(scope="module")
def latch():
    preset = get_preset("latch")
    return preset, lstm_forward(preset.params, preset.inputs), gradient_flow(preset.params, preset.inputs)


def print_figures(trace, latch) -> dict[str, go.Figure]:
    preset, latch_trace, latch_flow = latch
    x = np.random.default_rng(8).normal(size=(T, D))
    rnn = RNNParams.init(D, H, seed=4, spectral_radius=0.9)
    flows = {"LSTM": gradient_flow(LSTMParams.init(D, H, seed=0), x), "RNN": gradient_flow(rnn, x)}
    steps = np.arange(1, 51)
    return {
        "cell": cell_diagram(trace, 9, 2, x_label="'a'"),
        "bars": gate_bars(trace, 9, 2),
        "heat": gate_heatmaps(trace, 9),
        "heat_rnn": gate_heatmaps(rnn_forward(rnn, x), 9),
        "belt": conveyor_belt(trace, 2, t=9, x_labels=list("hello world, lstm rocks!")),
        "belt_latch": conveyor_belt(latch_trace, 0, t=preset.focus_step, x_labels=preset.x_labels),
        "gradients": gradient_flow_figure(flows),
        "gradients_latch": gradient_flow_figure({"LSTM": latch_flow}),
        "text_heat": text_heat("hello world", trace.c[:11, 2], value_name="c"),
        "connectivity": connectivity_bars({"LSTM": np.geomspace(1, 1e-4, T), "RNN": np.geomspace(1, 1e-9, T)}),
        "loss": loss_curves({"LSTM": 1 / steps, "RNN": 2 / np.sqrt(steps)}, baseline=0.5),
    }


def is_invisible(font: dict) -> bool:
    """The slider hides its per-step labels with a 1 px transparent font (the read-out shows the step)."""
    color = str(font.get("color") or "")
    return bool(re.fullmatch(r"rgba\(.*,\s*0(\.0*)?\)", color.replace(" ", "")))


def explicit_fonts(spec: dict) -> list[tuple[str, dict]]:
    """(where, font) for every font a figure's JSON spells out, in its layout and its traces."""
    found = []

    def walk(node, where):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("template", "frames"):
                    continue
                if key.endswith("font") and isinstance(value, dict):
                    found.append((f"{where}.{key}", value))
                walk(value, f"{where}.{key}")
        elif isinstance(node, list):
            for n, item in enumerate(node):
                walk(item, f"{where}[{n}]")

    walk(spec["layout"], "layout")
    walk(spec["data"], "data")
    return found


@pytest.mark.parametrize(
    "name",
    ["cell", "bars", "heat", "heat_rnn", "belt", "belt_latch", "gradients", "gradients_latch", "text_heat",
     "connectivity", "loss"],
)  # fmt: skip
def test_print_theme_sets_every_text_to_at_least_14_pt_at_1280x720(trace, latch, name):
    fig = apply_theme(print_figures(trace, latch)[name], "print")
    spec = fig.to_plotly_json()
    layout = spec["layout"]
    assert layout["font"]["size"] >= MIN_PRINT_PX  # what every font without its own size inherits
    for where, font in explicit_fonts(spec):
        if font.get("size") is not None and not is_invisible(font):
            assert font["size"] >= MIN_PRINT_PX, f"{name}: {where} is {font['size']} px"
    title = layout.get("title") or {}
    if title.get("subtitle"):  # plotly's default would be 0.7 × the title: 18.2 px
        assert title["subtitle"]["font"]["size"] >= MIN_PRINT_PX
    for key, axis in layout.items():
        if re.fullmatch(r"[xy]axis\d*", key):
            assert axis["tickfont"]["size"] >= MIN_PRINT_PX and axis["title"]["font"]["size"] >= MIN_PRINT_PX
            if axis.get("type") == "log":  # plotly draws minor labels (2, 5) at 0.75 × the tick size
                assert axis["minorloglabels"] == "none"


def test_small_text_stays_at_its_screen_size_after_a_round_trip_through_print(trace):
    fig = cell_diagram(trace, 9, 2)

    def sizes():  # annotations and text traces: the diagram draws most of its labels as text traces
        texts = [d.textfont.size for d in fig.data if "text" in (d.mode or "")]
        return [a.font.size for a in fig.layout.annotations] + texts

    screen = sizes()
    assert len(screen) >= 4
    apply_theme(apply_theme(fig, "print"), "screen")
    assert sizes() == pytest.approx(screen, abs=0.15)
    assert fig.layout.title.subtitle.font.size in (None, LOOKS["screen"].base)


# --- heatmaps: whole units -----------------------------------------------------------------------------


def test_heatmap_of_one_unit_ticks_unit_0_only_and_says_1_unit(latch):
    _, latch_trace, _ = latch
    fig = gate_heatmaps(latch_trace, 5)
    for axis in (fig.layout.yaxis, fig.layout.yaxis6):
        assert axis.tickvals == (0,) and axis.ticktext == ("0",)
    assert fig.layout.title.subtitle.text.startswith("1 unit ·")


@pytest.mark.parametrize(("hidden", "ticks"), [(2, (0, 1)), (5, (0, 2, 4)), (64, (0, 25, 50))])
def test_heatmap_unit_ticks_are_whole_numbers_at_a_round_stride(hidden, ticks):
    params = LSTMParams.init(2, hidden, seed=0)
    fig = gate_heatmaps(lstm_forward(params, np.zeros((4, 2))))
    assert fig.layout.yaxis.tickvals == ticks
    assert fig.layout.title.subtitle.text.startswith(f"{hidden} units ·")


# --- conveyor belt: informative, cheap ticks -----------------------------------------------------------


def test_latch_belt_ticks_show_store_and_read_among_step_numbers_never_dots(latch):
    preset, latch_trace, _ = latch
    fig = conveyor_belt(latch_trace, 0, t=preset.focus_step, x_labels=preset.x_labels)
    axis = fig.layout.xaxis2
    store = preset.x_labels[preset.focus_step]
    assert "·" not in axis.ticktext
    assert dict(zip(axis.tickvals, axis.ticktext, strict=True))[preset.focus_step] == store
    assert dict(zip(axis.tickvals, axis.ticktext, strict=True))[latch_trace.steps - 1] == "read"
    assert {"20", "40", "60", "80", "100"} <= set(axis.ticktext) and len(axis.ticktext) <= 10
    assert fig.layout.sliders[0].steps[7].label == "7"  # a distractor step: no "·" in the read-out
    assert fig.layout.sliders[0].steps[preset.focus_step].label == f"{preset.focus_step}  {store}"


def test_belt_characters_are_thinned_to_a_few_dozen_ticks(latch):
    _, latch_trace, _ = latch
    text = ("the quick brown fox jumps over the lazy dog " * 3)[: latch_trace.steps]
    axis = conveyor_belt(latch_trace, 0, x_labels=list(text), animate=False).layout.xaxis2
    assert axis.tickvals == tuple(range(0, latch_trace.steps, 5))  # 120 characters: every 5th, 24 ticks
    assert axis.ticktext == tuple(text[k].replace(" ", "␣") for k in axis.tickvals)


def test_belt_with_a_long_label_at_every_step_leaves_them_to_the_hover(trace):
    labels = [f"{v:.2f} ★marker" for v in np.linspace(0, 1, T)]
    fig = conveyor_belt(trace, 2, x_labels=labels, animate=False)
    assert fig.layout.xaxis2.tickvals is None  # plotly's own step numbers
    assert list(fig.data[0].text) == [f" {label}" for label in labels]  # hover: "step 3 0.06 ★marker: c = …"
    assert fig.data[0].hovertemplate.startswith("step %{x}%{text}: ")


def test_belt_hover_leaves_out_placeholder_labels(trace):
    labels = ["·"] * T
    labels[1] = "store 0.25"
    fig = conveyor_belt(trace, 2, x_labels=labels, animate=False)
    assert fig.data[0].text[0] == ""  # "step 0: c = …", no dangling "·"
    assert fig.data[0].text[1] == " store 0.25"


# --- text heat: readable letters, labels that fit -------------------------------------------------------


def cell_colors(fig: go.Figure) -> list[str]:
    return [re.search(r"color:(#\w+)", s).group(1) for row in fig.data[0].text for s in row if s]


def test_text_heat_letters_are_white_on_dark_cells_and_ink_on_light_ones():
    values = np.array([-1.0, -0.05, 0.0, 0.05, 1.0])
    fig = text_heat("abcde", values, value_name="c")
    assert cell_colors(fig) == [WHITE, INK, INK, INK, WHITE]
    gate = text_heat("ab", [0.0, 1.0], scale="gate", value_name="f")
    assert cell_colors(gate) == [INK, WHITE]
    assert relative_luminance(INK) < 0.02


def test_the_text_heat_asks_to_hover_on_screen_only():
    fig = text_heat("abc", [0.1, 0.2, 0.3], value_name="c")
    assert "hover" in fig.layout.title.subtitle.text
    assert not static_spec(fig)["layout"]["title"]["subtitle"]["text"]  # PNG, SVG, PDF: on paper nothing hovers
    assert "hover" in fig.layout.title.subtitle.text  # the figure itself (on screen, in the HTML export) keeps it


def test_text_heat_fits_step_labels_in_wider_cells_and_cuts_long_ones_with_the_full_label_on_hover():
    labels = ["0.64", "0.86 ★marker", "0.12", "0.50"]
    fig = text_heat(labels, [0.1, 0.2, 0.3, 0.4], value_name="c", width=60)
    shown = [re.sub(r"<[^>]+>", "", s) for s in fig.data[0].text[0]]
    assert shown == ["0.64", "0.86 ★mar…", "0.12", "0.50"]
    assert "0.86 ★marker" in fig.data[0].hovertext[0][1]
    assert text_heat(["0.64"] * 30, np.zeros(30), width=60).data[0].z.shape == (2, 15)  # 60 characters a line


# --- presentation: the buttons clear the slider's read-out -----------------------------------------------


@pytest.mark.parametrize("mode", ["presentation", "print"])
def test_slider_starts_further_right_as_the_play_buttons_grow(trace, mode):
    fig = conveyor_belt(trace, 2, t=9)
    screen = fig.layout.sliders[0]
    left, right = screen.x, screen.x + screen.len
    slider = apply_theme(fig, mode).layout.sliders[0]
    ratio = LOOKS[mode].base / LOOKS["screen"].base
    assert slider.x == pytest.approx(left * ratio, abs=1e-3)
    assert slider.x + slider.len == pytest.approx(right, abs=1e-3)
    assert apply_theme(fig, "screen").layout.sliders[0].x == pytest.approx(left, abs=1e-3)


# --- decay read-out of the latch ---------------------------------------------------------------------------


def test_latch_decay_readout_falls_back_to_the_cell_path_and_names_the_zero_h_gradient(latch):
    _, latch_trace, flow = latch
    assert not np.isfinite(flow.decay_rate())
    text = decay_readout(flow)
    assert text.startswith("LSTM: cell path ‖∂L/∂c_t‖: × 0.9999")
    assert f"the gradient through h is exactly 0 before step {latch_trace.steps - 1}" in text
    assert "too few" not in text
