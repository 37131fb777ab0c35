"""Issue #5 in the app: every figure has its download buttons, the data and the lecture pack are one click away,
and without a browser on the server the static formats say why they are off while HTML and data still work."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest
from test_app import charts as live_charts

from lstm_viz.figures import cell_diagram
from lstm_viz.lesson import build_lesson
from lstm_viz.scenario import Scenario
from lstm_viz.ui import downloads

APP = Path(__file__).resolve().parents[1] / "app.py"
TIMEOUT = 120  # s per run: the first run in a process loads numba's cached kernels
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
FIGURE_BUTTONS = ("PNG", "SVG", "PDF", "HTML")


def open_app(query: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.query_params.update(query or {})
    return at.run()


def buttons_by_label(at: AppTest) -> dict[str, list]:
    """label -> the download buttons with that label, in page order."""
    out: dict[str, list] = {}
    for button in at.get("download_button"):
        out.setdefault(button.label, []).append(button)
    return out


def test_every_figure_of_the_default_view_has_its_download_buttons():
    at = open_app()
    assert not at.exception
    charts = [chart.key for chart in live_charts(at)]
    assert charts == ["cell.diagram", "cell.bars.lstm"]
    keys = {button.key for button in at.get("download_button")}
    for chart in charts:
        for fmt in ("png", "svg", "pdf", "html"):
            assert f"export.{chart}.{fmt}" in keys
    labels = buttons_by_label(at)
    assert all(len(labels[label]) == len(charts) for label in FIGURE_BUTTONS)


def test_figure_buttons_name_their_file_after_the_scenario_and_the_chart():
    at = open_app()
    png = next(button for button in at.get("download_button") if button.key == "export.cell.diagram.png")
    assert not png.proto.disabled or not downloads.static_export_available()[0]
    assert "lstm-viz-latch-lstm-T120-cell-diagram.png" in png.help


def test_the_view_offers_its_data_and_the_lecture_pack():
    at = open_app()
    labels = buttons_by_label(at)
    assert any(label.endswith("(CSV)") for label in labels)
    assert "⬇ All arrays (.npz)" in labels
    assert any(button.label == "Lecture pack" for button in at.button)


def test_the_conveyor_belt_is_also_a_gif_and_a_playing_page():
    at = open_app({"view": "belt"})
    keys = {button.key for button in at.get("download_button")}
    assert {"export.belt.lstm.gif", "export.belt.lstm.playing-html"} <= keys


def test_projector_mode_hides_the_buttons():
    at = open_app({"present": "1"})
    assert not at.exception
    assert live_charts(at)
    assert not [button for button in at.get("download_button") if (button.key or "").startswith("export.")]


def test_without_a_browser_static_buttons_are_disabled_and_say_why(monkeypatch):
    monkeypatch.setattr(downloads, "static_export_available", lambda: (False, "no browser"))
    at = open_app()
    assert not at.exception
    labels = buttons_by_label(at)
    for label in ("PNG", "SVG", "PDF"):
        assert labels[label] and all(button.proto.disabled for button in labels[label]), label
    assert labels["HTML"] and not any(button.proto.disabled for button in labels["HTML"])
    assert not any(button.proto.disabled for button in labels["⬇ All arrays (.npz)"])
    assert any("no browser" in caption.value for caption in at.caption)


def test_the_buttons_save_what_they_say():
    scenario = Scenario()
    lesson = build_lesson(scenario)

    def build() -> go.Figure:
        return cell_diagram(lesson.lstm_trace, 3, 0, x_label=lesson.x_labels[3])

    html = downloads.export_bytes("html", build, "Latch preset")
    assert b"plotly" in html.lower() and b"<html" in html.lower()
    ok, reason = downloads.static_export_available()
    if not ok:
        pytest.skip(reason)
    png = downloads.export_bytes("png", build, "Latch preset")
    assert png.startswith(PNG_SIGNATURE)


def test_the_lecture_pack_button_builds_a_zip_to_save(monkeypatch):
    from lstm_viz.export import pack

    monkeypatch.setattr(pack, "static_export_available", lambda: (False, "no browser"))  # HTML and data only: fast
    at = open_app()
    next(button for button in at.button if button.label == "Lecture pack").click().run()
    assert not at.exception
    saves = [button for button in at.get("download_button") if button.label.endswith(".zip")]
    assert [button.label for button in saves] == ["⬇ lstm-viz-latch-lstm-T120.zip"]


def record_download_buttons(monkeypatch) -> list[tuple[str, object, str | None]]:
    """Every st.download_button the app draws from now on: (key, data, the fragment drawing it or None)."""
    from streamlit.runtime.scriptrunner_utils.script_run_context import ThreadState

    drawn = []
    original = st.download_button

    def recording(label, data, *args, key=None, **kwargs):
        drawn.append((key, data, ThreadState.get().fragment_id))
        return original(label, data, *args, key=key, **kwargs)

    monkeypatch.setattr(st, "download_button", recording)
    return drawn


@pytest.mark.parametrize("view", ["cell", "belt", "heatmaps"])
def test_a_step_does_not_send_the_figure_and_data_buttons_again(monkeypatch, view):
    # Moving the step reruns the view's fragment only; a deferred download button gets a new file id on every
    # run, so buttons inside the fragment would make every browser re-render their popovers at every step.
    drawn = record_download_buttons(monkeypatch)
    at = open_app({"view": view})
    assert not at.exception
    exports = [(key, fragment) for key, _, fragment in drawn if (key or "").startswith("export.")]
    assert {key.split(".")[1] for key, _ in exports} >= {view, "data"}
    assert [key for key, fragment in exports if fragment is not None] == []


def test_a_button_drawn_before_a_step_saves_that_figure_at_the_new_step(monkeypatch):
    drawn = record_download_buttons(monkeypatch)
    at = open_app({"t": "3"})
    html = {key: data for key, data, _ in drawn}["export.cell.diagram.html"]
    npz = {key: data for key, data, _ in drawn}["export.data.cell.npz"]
    at.slider(key="w.step").set_value(7).run()
    assert not at.exception
    assert b"LSTM cell at step t = 7" in html()  # the button drawn at t = 3, clicked at t = 7
    with np.load(io.BytesIO(npz())) as arrays:
        assert Scenario.from_json(str(arrays["scenario_json"])).step == 7


def test_export_menus_name_the_chart_they_save():
    assert downloads.chart_name("cell.bars.rnn") == "cell bars · vanilla RNN"
    assert downloads.chart_name("belt.rnn") == "h over time · vanilla RNN"  # the RNN has no belt to export
