"""The Streamlit app driven by AppTest: every control at its edges, errors kept readable, figures that follow
the controls, and sessions that never share what they should not."""

from __future__ import annotations

import ast
import base64
import io
import json
import math
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from lstm_viz.core import LSTMParams, RNNParams, gradient_flow
from lstm_viz.lesson import build_lesson
from lstm_viz.presets import PRESETS
from lstm_viz.scenario import MAX_HIDDEN, VIEWS, Scenario
from lstm_viz.tasks import DEFAULT_TEXT, TASKS
from lstm_viz.ui.link_box import COMPONENT as LINK_BOX
from lstm_viz.ui.live_chart import COMPONENT as LIVE_CHART
from lstm_viz.ui.views import VIEW_MODULES

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"
UI = ROOT / "lstm_viz" / "ui"
TIMEOUT = 120  # s per run: the first run in a process loads numba's cached kernels


# --- helpers ---------------------------------------------------------------------------------------------
def open_app(query: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.query_params.update(query or {})
    return at.run()


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def show_view(at: AppTest, view: str) -> AppTest:
    at.session_state["w.view"] = VIEW_MODULES[view].LABEL
    return at.run()


def _decode(value):
    """Plotly JSON with typed arrays ({"dtype", "bdata"}) decoded to numpy arrays."""
    if isinstance(value, dict):
        if set(value) >= {"dtype", "bdata"}:
            array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
            shape = value.get("shape")
            if isinstance(shape, str):  # "1, 120"
                shape = tuple(int(n) for n in shape.split(","))
            return array.reshape(shape) if shape is not None else array
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


def charts(at: AppTest) -> list:
    """The page's charts (the app draws every figure with its live-chart component), in page order."""
    return [e for e in at.get("bidi_component") if e.proto.component_name == LIVE_CHART]


def figure_json(element) -> dict:
    """The Plotly figure a chart element draws, as sent (typed arrays still encoded)."""
    return json.loads(element.proto.bytes)["figure"]


def chart(at: AppTest, key: str) -> dict:
    """The figure spec of the chart with ``key``."""
    for element in charts(at):
        if element.key == key:
            return _decode(figure_json(element))
    raise KeyError(f"no chart {key!r}; charts: {[e.key for e in charts(at)]}")


def numbers(values) -> np.ndarray:
    return np.asarray(values, dtype=float).reshape(-1)


def npz_bytes(params) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, kind=np.array(params.kind), **params.arrays())
    return buffer.getvalue()


# --- opening the app -----------------------------------------------------------------------------------
def test_opens_on_the_latch_lesson_with_no_error_and_a_full_url():
    at = open_app()
    assert_clean(at)
    assert "Latch" in at.markdown[0].value
    assert len(charts(at)) == 2  # the cell diagram and the bars of every unit
    assert Scenario.from_query(at.query_params) == Scenario()


@pytest.mark.parametrize("model", ["lstm", "rnn", "both"])
def test_every_view_renders_for_every_network(model):
    at = open_app({"model": model})
    for view in VIEWS:
        show_view(at, view)
        assert_clean(at)
        assert at.query_params["view"] == view


def test_tabs_follow_the_scenarios_views():
    assert tuple(VIEW_MODULES) == VIEWS


# --- the step --------------------------------------------------------------------------------------------
def test_moving_the_step_slider_shows_that_steps_values_for_every_unit():
    query = {"weights": "random", "task": "adding", "T": "40", "H": "6", "unit": "2"}
    at = open_app(query)
    lesson = build_lesson(Scenario.from_query(query))
    for t in (0, 17, 39):
        at.slider(key="w.step").set_value(t).run()
        assert_clean(at)
        bars = chart(at, "cell.bars.lstm")
        shown = {trace["name"]: numbers(trace["y"]) for trace in bars["data"]}
        for key, name in (("i", "input gate"), ("f", "forget gate"), ("c", "cell state"), ("h", "hidden state")):
            np.testing.assert_allclose(shown[name], getattr(lesson.lstm_trace, key)[t], rtol=0, atol=1e-12)
        assert at.query_params["t"] == str(t)


def test_the_cell_diagram_shows_the_focused_units_cell_state_at_the_step():
    query = {"weights": "random", "task": "sine", "T": "30", "H": "4", "unit": "3", "t": "12"}
    at = open_app(query)
    lesson = build_lesson(Scenario.from_query(query))
    spec = chart(at, "cell.diagram")
    labels = [a.get("text", "") for a in spec["layout"]["annotations"]]
    labels += [t for trace in spec["data"] if "text" in trace.get("mode", "") for t in trace["text"]]
    texts = " ".join(labels)
    expected = f"{lesson.lstm_trace.c[12, 3]:.3f}".replace("-", "−")
    assert expected in texts


def test_step_buttons_move_one_step_and_stop_at_the_ends():
    at = open_app({"t": "0"})
    at.button(key="step.back").click().run()
    assert at.slider(key="w.step").value == 0
    at.button(key="step.forward").click().run()
    at.button(key="step.forward").click().run()
    assert at.slider(key="w.step").value == 2
    last = Scenario().length - 1
    at.slider(key="w.step").set_value(last).run()
    at.button(key="step.forward").click().run()
    assert at.slider(key="w.step").value == last
    assert_clean(at)


def test_the_conveyor_belt_follows_the_step_slider_when_paused():
    at = show_view(open_app({"t": "3"}), "belt")
    assert chart(at, "belt.lstm")["layout"]["sliders"][0]["active"] == 3
    at.slider(key="w.step").set_value(42).run()
    belt = chart(at, "belt.lstm")
    assert belt["layout"]["sliders"][0]["active"] == 42
    assert len(belt["frames"]) == Scenario().length  # the animation plays in the browser, frame by frame


def test_the_belt_tells_the_browser_it_is_the_same_animation_at_another_frame():
    # So the browser plays that one frame (Plotly.animate) instead of drawing the whole animation again.
    def moved(at: AppTest) -> dict:
        return json.loads(next(e for e in charts(at) if e.key == "belt.lstm").proto.bytes)["moved"]

    at = show_view(open_app({"t": "3"}), "belt")
    first = moved(at)
    assert first["frame"] == "3"
    at.slider(key="w.step").set_value(42).run()
    assert moved(at) == {"animation": first["animation"], "frame": "42"}
    at = show_view(open_app({"t": "3", "weights": "random", "H": "4"}), "belt")
    other = moved(at)
    assert other["frame"] == "3" and other["animation"] != first["animation"]  # another figure: drawn afresh
    assert json.loads(charts(show_view(at, "cell"))[0].proto.bytes)["moved"] is None


def test_heatmap_cursor_sits_at_the_step():
    at = show_view(open_app({"t": "9"}), "heatmaps")
    cursors = chart(at, "heatmaps.lstm")["layout"]["shapes"]
    assert len(cursors) == 6 and all((s["x0"], s["x1"]) == (8.5, 9.5) for s in cursors)


def test_equations_show_the_steps_numbers():
    query = {"weights": "random", "task": "adding", "T": "20", "H": "3", "t": "7", "unit": "1", "view": "equations"}
    at = open_app(query)
    assert_clean(at)
    lesson = build_lesson(Scenario.from_query(query))
    latex = " ".join(element.value for element in at.get("latex"))
    assert f"{lesson.lstm_trace.c[7, 1]:.3f}" in latex.replace("−", "-")
    assert any("rows of PyTorch's weight_ih, weight_hh" in c.value for c in at.caption)  # W, U, b named once


# --- URL and scenario --------------------------------------------------------------------------------------
def test_a_bookmarked_url_reopens_the_same_view():
    query = Scenario(
        model="both", weights="random", task="recall", length=33, hidden=5, step=20, view="heatmaps"
    ).to_query()
    at = open_app(query)
    assert_clean(at)
    assert Scenario.from_query(at.query_params) == Scenario.from_query(query)
    assert len(charts(at)) == 2  # LSTM and RNN heatmaps side by side


@pytest.mark.parametrize(
    "query",
    [{"T": "99999"}, {"H": "1000"}, {"fbias": "nan"}, {"rscale": "inf"}, {"text": "x" * 5001}, {"model": "<b>x</b>"}],
)
def test_a_crafted_url_is_refused_with_a_message_and_the_default_lesson(query):
    at = open_app(query)
    assert not at.exception
    assert len(errors(at)) == 1 and "could not be opened" in errors(at)[0]
    assert Scenario.from_query(at.query_params) == Scenario()


def test_controls_are_mirrored_in_the_url():
    at = open_app()
    at.selectbox(key="w.weights").set_value("random").run()
    at.slider(key="w.hidden").set_value(12).run()
    at.slider(key="w.forget_bias").set_value(2.5).run()
    assert_clean(at)
    assert (at.query_params["weights"], at.query_params["H"], at.query_params["fbias"]) == ("random", "12", "2.5")


# --- every control at its edges --------------------------------------------------------------------------
@pytest.mark.parametrize("hidden", [1, MAX_HIDDEN])
def test_hidden_size_edges(hidden):
    at = open_app({"weights": "random", "task": "adding", "T": "30"})
    at.slider(key="w.hidden").set_value(hidden).run()
    assert_clean(at)
    for view in ("cell", "gradients", "memory"):
        assert_clean(show_view(at, view))
    assert f"H = {hidden}" in at.caption[0].value


def test_a_one_step_sequence():
    at = open_app({"weights": "random", "task": "custom", "text": "1, 2", "view": "belt"})
    assert_clean(at)
    assert at.query_params["T"] == "1"
    for view in VIEWS:
        assert_clean(show_view(at, view))


@pytest.mark.parametrize("task", list(TASKS))
def test_every_task_with_random_weights(task):
    at = open_app({"weights": "random"})
    at.selectbox(key="w.task").set_value(task).run()
    assert_clean(at)
    assert at.query_params["task"] == task
    at.number_input(key="w.length").set_value(TASKS[task].min_length).run()
    assert_clean(at)


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_brings_its_own_sequence_network_and_focus(name):
    at = open_app()
    at.selectbox(key="w.preset").set_value(name).run()
    assert_clean(at)
    preset = PRESETS[name]
    assert at.query_params["model"] == preset.model
    assert at.query_params["T"] == str(preset.length)
    assert at.query_params["t"] == str(preset.focus_step)
    assert_clean(show_view(at, "gradients"))


def test_pretrained_weights_load_or_explain_why_not():
    at = open_app({"weights": "random", "task": "adding"})
    at.selectbox(key="w.weights").set_value("pretrained").run()
    assert not at.exception
    if errors(at):  # no shipped weights for this task: said plainly, the last good lesson stays
        assert "pretrained" in errors(at)[0]
        assert at.query_params["weights"] == "random"
    else:
        assert "trained on" in at.caption[0].value


def test_typed_sequence_good_and_bad():
    at = open_app({"weights": "random", "task": "custom"})
    at.text_area(key="w.text").set_value("0.5 -1 2 3e-1").run()
    assert_clean(at)
    assert at.query_params["T"] == "3"
    at.text_area(key="w.text").set_value("1, 2, banana").run()
    assert any("'banana'" in e for e in errors(at))
    assert at.query_params["text"] == "0.5 -1 2 3e-1"  # the last good sequence stays in use
    at.slider(key="w.hidden").set_value(3).run()  # the other controls still work meanwhile
    assert at.query_params["H"] == "3"


@pytest.mark.parametrize(("task", "short", "long", "long_length"), [
    ("custom", "1 2 3", " ".join(str(k) for k in range(20)), "19"),
    ("text", "hi there", "the quick brown fox jumps over the lazy dog", "42"),
])  # fmt: skip
def test_a_longer_typed_sequence_is_read_whole_after_a_shorter_one(task, short, long, long_length):
    at = open_app({"weights": "random", "task": task})
    at.text_area(key="w.text").set_value(short).run()
    assert at.query_params["T"] == str(len(short.split()) - 1 if task == "custom" else len(short) - 1)
    at.text_area(key="w.text").set_value(long).run()
    assert_clean(at)
    assert at.query_params["T"] == long_length
    assert at.number_input(key="w.length").value == int(long_length)


def test_pretrained_weights_show_their_training_text_read_only():
    at = open_app({"weights": "pretrained", "task": "text", "view": "memory"})
    box = at.text_area(key="w.text")
    assert box.disabled and box.value == DEFAULT_TEXT
    assert "Random weights" in box.help
    assert_clean(at)
    random = open_app({"weights": "random", "task": "text"})
    assert not random.text_area(key="w.text").disabled


def test_script_in_typed_text_is_shown_as_text():
    payload = "<script>alert(1)</script>"
    at = open_app({"weights": "random", "task": "text", "text": payload})
    assert_clean(at)
    for element in at.markdown:
        assert not element.proto.allow_html or payload not in element.value
    assert all("<script" not in element.proto.body for element in at.get("html"))


@pytest.mark.parametrize("model", ["lstm", "rnn", "both"])
def test_model_choice_switches_the_cell_views(model):
    at = open_app({"weights": "random", "task": "adding", "T": "20"})
    at.segmented_control(key="w.model").set_value(model).run()
    assert_clean(at)
    keys = {e.key for e in charts(at)}
    assert any("cell.diagram" in k for k in keys) == (model != "rnn")
    assert any("cell.bars.rnn" in k for k in keys) == (model != "lstm")


@pytest.mark.parametrize(("model", "heading"), [
    ("lstm", "LSTM, step by step"), ("rnn", "Vanilla RNN, step by step"), ("both", "LSTM vs vanilla RNN, step by step"),
])  # fmt: skip
def test_the_heading_names_the_network_on_screen(model, heading):
    at = open_app({"preset": "exploding_rnn"} if model == "rnn" else {"model": model})
    assert_clean(at)
    assert at.markdown[0].value.startswith(f"### {heading} · ")


def test_the_step_readout_gives_the_range_of_t():
    at = open_app()  # the latch: T = 120 steps, t from 0 to 119 ("t = 5 of 119" read as a count of 119)
    assert any(m.value.startswith("**t = 5** (0–119) · x_t = ") for m in at.markdown)


def test_focused_unit_edges_and_clamping():
    at = open_app({"weights": "random", "task": "adding", "H": "5", "unit": "4"})
    assert_clean(at)
    at.slider(key="w.hidden").set_value(2).run()
    assert_clean(at)
    assert at.slider(key="w.unit").value == 1
    assert at.query_params["unit"] == "1"  # the link names the unit on screen, not one the network lost
    at.slider(key="w.hidden").set_value(1).run()
    assert_clean(at)
    assert at.query_params.get("unit", "0") == "0"


# --- knobs and gradients -----------------------------------------------------------------------------------
def test_knobs_move_the_gradient_curves():
    query = {"weights": "random", "task": "adding", "T": "60", "H": "8", "view": "gradients"}
    at = open_app(query)
    rnn_before = _curve(at, "vanilla RNN")
    at.slider(key="w.recurrent_scale").set_value(3.0).run()
    assert_clean(at)
    assert not np.allclose(_curve(at, "vanilla RNN"), rnn_before, equal_nan=True)
    at.slider(key="w.forget_bias").set_value(4.0).run()
    lesson = build_lesson(Scenario.from_query({**query, "rscale": "3.0", "fbias": "4.0"}))
    flow = gradient_flow(lesson.lstm, lesson.x)
    assert flow.decay_rate("dc_norm") > gradient_flow(
        build_lesson(Scenario.from_query(query)).lstm, lesson.x
    ).decay_rate("dc_norm")  # a larger forget bias carries the cell's gradient further back
    assert any("× " in m.value for m in at.markdown)  # the per-step decay readout


def test_the_gradients_view_says_what_the_loss_is():
    at = open_app({"view": "gradients"})
    assert any("L = (h_T,1 + … + h_T,H) / √H" in c.value for c in at.caption)


@pytest.mark.parametrize("query", [{"view": "gradients"}, {"view": "gradients", "weights": "random", "task": "adding"}])
def test_the_lstm_cell_path_rate_is_read_out_once(query):
    """The latch's ‖∂L/∂h_t‖ is 0 before the last step, so its readout line is the cell path's already."""
    at = open_app(query)
    assert_clean(at)
    assert sum("cell path ‖∂L/∂c_t‖" in m.value for m in at.markdown) == 1


def _curve(at: AppTest, label: str) -> np.ndarray:
    for trace in chart(at, "gradients.flow")["data"]:
        if trace.get("name", "").startswith(label):
            return numbers([np.nan if v is None else v for v in trace["y"]])
    raise KeyError(label)


# --- uploads -------------------------------------------------------------------------------------------
def test_a_bad_upload_shows_an_error_and_keeps_the_last_good_weights():
    at = open_app({"weights": "upload", "task": "adding"})
    at.session_state["upload.pending"] = ("notes.npz", b"this is not a zip file")
    at.run()
    assert not at.exception
    assert any("Could not use 'notes.npz'" in e for e in errors(at))
    good = RNNParams.init(2, 5, seed=3)
    at.session_state["upload.pending"] = ("good.npz", npz_bytes(good))
    at.run()
    assert_clean(at)
    assert "uploaded good\\.npz" in at.caption[0].value and "H = 5" in at.caption[0].value  # its name, as text
    assert at.query_params["model"] == "rnn"  # the uploaded network is the one shown
    wrong_inputs = LSTMParams.init(3, 4, seed=0)
    at.session_state["upload.pending"] = ("d3.npz", npz_bytes(wrong_inputs))
    at.run()
    assert any("D = 3" in e and "The weights from 'good.npz' stay in use." in e for e in errors(at))
    assert "H = 5" in at.caption[0].value and "good\\.npz" in at.caption[0].value  # still the last good file


def test_a_refused_control_is_set_back_to_the_value_in_use():
    """An uploaded one-input RNN cannot read the two-channel adding problem: the task stays the sine wave, and
    the sidebar says so (task, length and step as they were), with the reason on screen."""
    at = open_app({"weights": "upload", "task": "sine", "T": "60", "t": "7"})
    at.session_state["upload.pending"] = ("rnn.npz", npz_bytes(RNNParams.init(1, 5, seed=3)))
    at.run()
    assert_clean(at)
    at.selectbox(key="w.task").set_value("adding").run()
    assert not at.exception
    assert any("task stays in use" in e for e in errors(at))
    assert at.selectbox(key="w.task").value == "sine"
    assert at.number_input(key="w.length").value == 60
    assert at.query_params["task"] == "sine" and at.query_params["T"] == "60" and at.query_params["t"] == "7"
    at.slider(key="w.forget_bias").set_value(1.0).run()  # the next run: no error left over
    assert_clean(at)


def test_an_oversized_or_pickled_upload_is_refused():
    at = open_app({"weights": "upload", "task": "adding"})
    big = LSTMParams.init(2, MAX_HIDDEN + 1, seed=0)
    at.session_state["upload.pending"] = ("big.npz", npz_bytes(big))
    at.run()
    assert any("up to 64" in e for e in errors(at))
    buffer = io.BytesIO()
    np.savez(buffer, weight_ih=np.array([object()], dtype=object))
    at.session_state["upload.pending"] = ("pickle.npz", buffer.getvalue())
    at.run()
    assert not at.exception and len(errors(at)) == 1


def test_sessions_never_see_each_others_uploads():
    first = open_app({"weights": "upload", "task": "adding"})
    first.session_state["upload.pending"] = ("mine.npz", npz_bytes(LSTMParams.init(2, 7, seed=1)))
    first.run()
    assert "H = 7" in first.caption[0].value
    second = open_app({"weights": "upload", "task": "adding"})
    assert "uploaded" not in second.caption[0].value


# --- classroom link and projector mode -------------------------------------------------------------------
def test_classroom_link_reproduces_the_scenario_with_chosen_controls_hidden():
    at = open_app({"weights": "random", "task": "recall", "H": "4"})
    at.multiselect(key="classroom.hide").set_value(["model", "knobs"]).run()
    (box,) = [e for e in at.get("bidi_component") if e.proto.component_name == LINK_BOX]
    link = box.proto.bytes.decode()
    student = Scenario.parse(link)
    assert student == Scenario.from_query(at.query_params).replace(hide=("model", "knobs"))
    hidden = open_app(student.to_query())
    assert_clean(hidden)
    keys = {w.key for w in hidden.sidebar.get("slider")} | {w.key for w in hidden.sidebar.get("button_group")}
    assert "w.model" not in keys and "w.forget_bias" not in keys and "w.hidden" in keys


def test_the_scenario_json_is_made_on_click_so_fast_typing_never_leaves_a_dead_file_address():
    at = open_app()
    button = next(b for b in at.sidebar.get("download_button") if b.label == "Scenario as JSON")
    assert button.proto.deferred_file_id and not button.proto.url  # no media file per run for the browser to check


def _page_order(node) -> list[str]:
    """The element types of ``node``'s tree, top to bottom."""
    children = getattr(node, "children", None)
    if not children:
        return [getattr(node, "type", type(node).__name__)]
    return [kind for key in sorted(children) for kind in _page_order(children[key])]


def test_on_a_projector_the_view_comes_before_its_notes():
    """Above the view, the "what to look at" box pushed the cell diagram below a 720-px projector's edge."""
    order = _page_order(open_app({"present": "1"}).main)
    assert order.index("bidi_component") < order.index("info")
    order = _page_order(open_app().main)
    assert order.index("info") < order.index("bidi_component")  # on a screen the notes lead in


def test_projector_mode_enlarges_the_figures_text():
    at = open_app()
    normal = chart(at, "cell.bars.lstm")["layout"]["font"]["size"]
    at.toggle(key="w.presentation").set_value(True).run()
    assert_clean(at)
    assert chart(at, "cell.bars.lstm")["layout"]["font"]["size"] > normal
    assert any("font-size" in element.proto.body for element in at.get("html"))


def test_projector_mode_tucks_the_lesson_settings_away_in_the_run_that_switches_it_on():
    at = open_app()
    assert "Lesson settings" not in [e.label for e in at.sidebar.expander]
    at.toggle(key="w.presentation").set_value(True).run()
    assert "Lesson settings" in [e.label for e in at.sidebar.expander]


@pytest.mark.parametrize("view", ["cell", "belt", "heatmaps", "equations"])
def test_the_notes_describe_the_rnn_when_only_the_rnn_is_shown(view):
    module = VIEW_MODULES[view]
    at = open_app({"view": view, "model": "rnn", "weights": "random", "task": "adding"})
    assert_clean(at)
    shown = [i.value for i in at.info]
    assert module.RNN_NOTES in shown and module.NOTES not in shown
    both = open_app({"view": view, "model": "both", "weights": "random", "task": "adding"})
    assert module.NOTES in [i.value for i in both.info]


def test_notes_can_be_hidden():
    at = open_app()
    assert any("Follow the top line" in i.value for i in at.info)
    at.toggle(key="w.notes").set_value(False).run()
    assert not any("Follow the top line" in i.value for i in at.info)


# --- what it remembers ----------------------------------------------------------------------------------
def test_text_is_coloured_by_the_chosen_quantity_of_the_focused_unit():
    query = {"weights": "random", "task": "text", "H": "6", "unit": "2", "view": "memory"}
    at = open_app(query)
    assert_clean(at)
    lesson = build_lesson(Scenario.from_query(query))
    at.segmented_control(key="w.colour_by").set_value("f").run()
    assert at.query_params["colour"] == "f"
    heat = json.dumps(chart(at, "memory.text"), default=lambda a: a.tolist())
    assert f"{lesson.lstm_trace.f[0, 2]:.3f}" in heat or all(
        f"{v:.3f}" in heat for v in lesson.lstm_trace.f[:3, 2]
    )  # the hover values are the unit's forget gate
    bars = chart(at, "memory.connectivity")
    assert {t["name"] for t in bars["data"] if t.get("name")} >= {"LSTM", "vanilla RNN"}


def test_a_lesson_that_is_not_text_says_what_each_symbol_stood_for():
    """For the adding problem the text is one • or ★ per step: the hover names the step's input, and the
    connectivity chart counts steps (its ticks were a row of bullets)."""
    query = {"weights": "random", "task": "adding", "T": "20", "view": "memory"}
    at = open_app(query)
    assert_clean(at)
    lesson = build_lesson(Scenario.from_query(query))
    (heat,) = chart(at, "memory.text")["data"]
    hovers = [text for row in heat["hovertext"] for text in row if text]
    assert hovers[0].startswith(f"step 0 {lesson.x_labels[0]}: c = ")
    axis = chart(at, "memory.connectivity")["layout"]["xaxis"]
    assert "•" not in json.dumps(axis, ensure_ascii=False)


def test_the_memory_views_readout_is_named_once_when_both_networks_share_it():
    at = open_app({"weights": "pretrained", "task": "text", "view": "memory"})
    assert_clean(at)
    lines = [c.value for c in at.caption if c.value.startswith("y_T")]
    assert lines == ["y_T, for both networks: y = all 14 readout-head outputs (Frobenius norm of the Jacobian)."]


def test_the_lstm_colour_choice_survives_a_look_at_the_rnn():
    """The RNN has only h to colour by; visiting it must not overwrite the LSTM's choice."""
    at = open_app({"weights": "random", "task": "text", "H": "6", "view": "memory", "model": "lstm"})
    at.segmented_control(key="w.colour_by").set_value("f").run()
    at.segmented_control(key="w.model").set_value("rnn").run()
    assert_clean(at)
    assert "w.colour_by" not in [w.key for w in at.segmented_control]
    assert at.query_params["colour"] == "f"
    at.segmented_control(key="w.model").set_value("lstm").run()
    assert_clean(at)
    assert at.segmented_control(key="w.colour_by").value == "f"
    assert at.query_params["colour"] == "f"
    assert "forget gate" in json.dumps(chart(at, "memory.text"), default=lambda a: a.tolist())


# --- training ----------------------------------------------------------------------------------------
def wait_until(condition, seconds: float = 90) -> None:
    """Poll ``condition`` (a background training job's state) until it holds or ``seconds`` pass."""
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.2)


def trained_small_run() -> AppTest:
    """The Train view after a whole 50-update run of both networks on a small adding lesson."""
    at = open_app({"weights": "random", "task": "adding", "T": "12", "H": "4", "view": "train"})
    at.select_slider(key="train.updates").set_value(50).run()
    at.button(key="train.start").click().run()
    job = at.session_state["train.job"]
    wait_until(lambda: not job.running)
    return at.run()


def test_training_runs_both_networks_and_shows_curves_and_snapshots():
    at = trained_small_run()
    assert_clean(at)
    assert any("after 50 updates" in m.value for m in at.markdown)
    losses = chart(at, "train.loss")
    assert {t["name"].split()[0] for t in losses["data"] if t.get("name")} >= {"LSTM", "vanilla"}
    snapshot = at.segmented_control(key="train.snapshot")
    snapshot.set_value(snapshot.options[0]).run()
    assert_clean(at)
    assert "before" in at.segmented_control(key="train.snapshot").value


def test_the_default_training_run_shows_what_the_note_promises():
    """Pressing ▶ Train both with the view's defaults: the LSTM learns the adding problem, the RNN stays at the
    baseline (the note says so; 200 updates left both at the baseline)."""
    at = open_app({"weights": "random", "task": "adding", "T": "50", "view": "train"})
    at.button(key="train.start").click().run()
    job = at.session_state["train.job"]
    wait_until(lambda: not job.running, seconds=120)
    status = job.status()
    assert status["lstm"].result.history[-20:].mean() < 0.02
    assert status["rnn"].result.history[-20:].mean() > 0.1


def test_training_can_be_cancelled():
    at = open_app({"weights": "random", "task": "adding", "T": "100", "H": "16", "view": "train"})
    at.select_slider(key="train.updates").set_value(2000).run()
    at.button(key="train.start").click().run()
    at.button(key="train.cancel").click().run()
    job = at.session_state["train.job"]
    job.join(timeout=60)
    at.run()
    assert not job.running
    assert any("cancelled" in m.value for m in at.markdown)


def test_training_shows_progress_curves_and_snapshots_while_it_runs():
    at = open_app({"weights": "random", "task": "adding", "T": "100", "H": "16", "view": "train"})
    at.select_slider(key="train.updates").set_value(2000).run()
    at.button(key="train.start").click().run()
    job = at.session_state["train.job"]
    wait_until(lambda: 400 in job.status()["lstm"].snapshots)
    at.run()
    assert job.running  # still training: what follows is the live view
    assert_clean(at)
    assert any(p.proto.text.startswith("LSTM:") for p in at.get("progress"))
    live = next(c for c in at.segmented_control if c.key.startswith("train.snapshot.live"))
    assert live.options == ["before (0 updates)", "during (400 updates)"]
    assert live.value == "during (400 updates)"  # the newest snapshot comes on screen by itself
    assert {"train.loss", "train.cell", "train.heatmaps.lstm"} <= {c.key for c in charts(at)}
    at.button(key="train.cancel").click().run()
    job.join(timeout=60)
    at.run()
    final = at.segmented_control(key="train.snapshot")
    assert final.options[:2] == ["before (0 updates)", "during (400 updates)"]  # kept after the cancel
    assert any("cancelled: best weights kept" in m.value for m in at.markdown)


def test_the_snapshot_cell_diagram_gets_the_full_width():
    at = trained_small_run()
    in_columns = {e.key for column in at.columns for e in column.get("bidi_component")}
    assert {"train.heatmaps.lstm", "train.heatmaps.rnn"} <= in_columns
    assert "train.cell" in {c.key for c in charts(at)} - in_columns


def test_a_run_for_settings_changed_since_is_shown_and_can_be_stopped_or_replaced():
    at = open_app({"weights": "random", "task": "adding", "T": "100", "H": "16", "view": "train"})
    at.select_slider(key="train.updates").set_value(2000).run()
    at.button(key="train.start").click().run()
    old = at.session_state["train.job"]
    at.number_input(key="w.length").set_value(60).run()  # the lesson changes while the run trains
    assert old.running
    assert any("still training" in w.value for w in at.warning)
    assert not at.button(key="train.start").disabled and not at.button(key="train.cancel").disabled
    at.button(key="train.start").click().run()  # start over on the new settings: the old run stops
    old.join(timeout=60)
    assert not old.running and old.cancelled
    new = at.session_state["train.job"]
    assert new is not old and new.running
    assert not any("still training" in w.value for w in at.warning)
    at.button(key="train.cancel").click().run()
    new.join(timeout=60)


def test_the_train_view_offers_its_run_as_csv_and_npz():
    at = open_app({"weights": "random", "task": "adding", "T": "12", "H": "4", "view": "train"})
    at.select_slider(key="train.updates").set_value(50).run()
    assert "export.data.train.run.csv" not in {b.key for b in at.get("download_button")}  # nothing trained yet
    at.button(key="train.start").click().run()
    at.session_state["train.job"].join(timeout=60)
    at.run()
    assert_clean(at)
    buttons = {b.key: b for b in at.get("download_button")}
    assert buttons["export.data.train.run.csv"].label == "⬇ train data (CSV)"
    assert buttons["export.data.train.run.npz"].label == "⬇ Training run (.npz)"
    assert "lstm-viz-adding-random-lstm-T12-training.csv" in buttons["export.data.train.run.csv"].help


def test_presets_explain_that_there_is_nothing_to_train():
    at = show_view(open_app(), "train")
    assert any("wired by hand" in i.value for i in at.info)


# --- architecture ----------------------------------------------------------------------------------------
def _cache_decorators():
    for path in UI.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                if node.func.attr in ("cache_data", "cache_resource"):
                    yield path.name, {k.arg for k in node.keywords}


def test_every_cache_is_bounded_in_count_and_age():
    found = list(_cache_decorators())
    assert found
    for name, keywords in found:
        assert {"max_entries", "ttl"} <= keywords, name


def test_no_call_in_the_ui_renders_html_from_markdown():
    for path in [*UI.rglob("*.py"), APP]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                assert "unsafe_allow_html" not in {k.arg for k in node.keywords}, path


def test_layers_point_one_way():
    """Nothing below the UI imports it (the lesson builder lives below it), and only the UI imports Streamlit."""
    for path in (ROOT / "lstm_viz").rglob("*.py"):
        if UI in path.parents:
            continue
        text = path.read_text()
        for line in text.splitlines():
            if "ui" in line and line.lstrip().startswith(("from ", "import ")):
                assert not any(s in line for s in (".ui ", ".ui.", "ui import")), (path, line)
        assert "import streamlit" not in text, path
    assert "streamlit" not in (UI / "training_job.py").read_text()
    assert not (UI / "lesson.py").exists(), "the lesson builder lives in lstm_viz/lesson.py, with no shim"


def test_the_lesson_builder_works_without_streamlit():
    code = "import sys; import lstm_viz.lesson, lstm_viz.scenario; sys.exit('streamlit' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=False).returncode == 0


def test_starting_the_app_loads_no_numba_export_or_training_before_the_page_config():
    """``main`` is light: the heavy modules load inside ``run``, after the page config and the chart-library cue."""
    code = (
        "import sys; import lstm_viz.ui.main; "
        "heavy = [m for m in ('numba', 'lstm_viz.core', 'lstm_viz.export', 'lstm_viz.training', 'pandas') "
        "if m in sys.modules]; sys.exit(str(heavy) if heavy else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_the_first_page_does_not_load_kaleido_the_trainer_or_pandas():
    code = (
        "import sys; from streamlit.testing.v1 import AppTest; "
        "at = AppTest.from_file('app.py', default_timeout=120).run(); assert not at.exception; "
        "heavy = [m for m in ('kaleido', 'choreographer', 'lstm_viz.training', 'pandas') if m in sys.modules]; "
        "sys.exit(str(heavy) if heavy else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-2000:]


def test_the_chart_library_cue_is_gone_when_the_first_run_ends():
    at = open_app()
    assert [c.key for c in charts(at)] == ["cell.diagram", "cell.bars.lstm"]
    assert at.session_state["page.chart_library_requested"]


def test_app_py_is_thin():
    assert len(APP.read_text().splitlines()) < 30


def test_cached_lessons_cannot_be_edited_in_place():
    lesson = build_lesson(Scenario())
    with pytest.raises(ValueError):
        lesson.lstm_trace.c[0, 0] = math.pi
    with pytest.raises(ValueError):
        lesson.x[0, 0] = 1.0


def test_training_on_a_typed_sequence_uses_single_sequence_batches():
    at = open_app({"weights": "random", "task": "custom", "H": "3", "view": "train"})
    at.select_slider(key="train.updates").set_value(50).run()
    at.button(key="train.start").click().run()
    at.session_state["train.job"].join(timeout=60)
    at.run()
    assert_clean(at)
    assert any("after 50 updates" in m.value for m in at.markdown)


def _random_scenario(rng: np.random.Generator) -> Scenario:
    """A legal scenario drawn from every control's range (the sizes kept small so the test stays quick)."""
    weights = str(rng.choice(["random", "preset", "upload", "pretrained"]))
    task = str(rng.choice(list(TASKS)))
    return Scenario(
        model=str(rng.choice(["lstm", "rnn", "both"])),
        weights=weights,
        preset=str(rng.choice(list(PRESETS))),
        task=task,
        length=int(rng.integers(1, 80)),
        seed=int(rng.integers(0, 2**32 - 1)),
        hidden=int(rng.integers(1, MAX_HIDDEN + 1)),
        weight_seed=int(rng.integers(0, 1000)),
        forget_bias=float(rng.uniform(-6, 6)),
        recurrent_scale=float(rng.uniform(0, 4)),
        unit=int(rng.integers(0, MAX_HIDDEN)),
        step=int(rng.integers(0, 80)),
        view=str(rng.choice(VIEWS)),
        colour_by=str(rng.choice(["c", "h", "i", "f", "g", "o"])),
        presentation=bool(rng.integers(0, 2)),
        notes=bool(rng.integers(0, 2)),
        hide=tuple(h for h in ("model", "weights", "sequence", "size", "knobs", "unit", "step") if rng.random() < 0.2),
    )


@pytest.mark.parametrize("seed", range(12))
def test_random_scenarios_open_without_a_stack_trace(seed):
    rng = np.random.default_rng(seed)
    scenario = _random_scenario(rng)
    at = open_app(scenario.to_query())
    assert not at.exception, (scenario, [e.message for e in at.exception])
    for view in rng.choice(VIEWS, size=3, replace=False):
        show_view(at, str(view))
        assert not at.exception, (scenario, view, [e.message for e in at.exception])


def test_a_classroom_link_can_hide_the_step_slider_and_the_notes_toggle():
    at = open_app({"hide": "step,notes,unit", "H": "4", "weights": "random"})
    assert_clean(at)
    keys = {w.key for w in at.get("slider")} | {w.key for w in at.get("toggle")}
    assert {"w.step", "w.notes", "w.unit"}.isdisjoint(keys)
    assert "w.presentation" in keys


@pytest.mark.parametrize("t", [0, 1, 17, 39])
def test_one_cached_belt_moved_to_a_frame_equals_the_belt_drawn_for_that_step(t):
    import plotly.io as pio

    from lstm_viz.figures import conveyor_belt
    from lstm_viz.ui.charts import at_frame

    lesson = build_lesson(Scenario(weights="random", task="adding", length=40, hidden=3))
    belt = lambda step=None: json.loads(  # noqa: E731
        pio.to_json(conveyor_belt(lesson.lstm_trace, 2, t=step, animate=True, x_labels=lesson.x_labels))
    )
    assert at_frame(belt(), str(t)) == belt(t)
    assert at_frame(belt(), "no such frame") is None


def test_steps_that_are_not_text_read_as_one_symbol_each():
    from lstm_viz.ui.views.memory import glyphs

    assert glyphs(["'h'", "' '", "·", "0.42 ★marker", "store 0.70", "a"]) == ["h", " ", "·", "★", "•", "a"]
