"""Export without a browser: offline HTML, the modebar fallback, CSV/.npz data, the lesson's figures, atomic
writes, and plain messages (never a hang) where no Chrome/Chromium exists."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import zipfile
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest
from export_checks import BROWSER_AVAILABLE

from lstm_viz.core import LSTMParams
from lstm_viz.export import (
    PackOptions,
    StaticExportUnavailable,
    StaticRenderer,
    analyse,
    animation_html,
    figure_filename,
    figure_html,
    figure_png,
    lecture_pack_files,
    lesson_csvs,
    lesson_equations,
    lesson_figures,
    lesson_npz,
    modebar_config,
    scenario_caption,
    static_export_available,
    view_csv,
    write_atomic,
)
from lstm_viz.export.files import atomic_file, check_writable_dir, write_tree
from lstm_viz.export.html import PLOTLY_JS_NAME, plotly_js_bytes
from lstm_viz.export.pack import parse_formats, scenario_query, write_lecture_pack, zip_bytes
from lstm_viz.export.prepare import CAPTION_META, static_spec
from lstm_viz.export.progress import ProgressBar
from lstm_viz.figures.theme import LOOKS, current_mode
from lstm_viz.lesson import build_lesson
from lstm_viz.pretrained import PRETRAINED_DIR
from lstm_viz.scenario import Scenario

SMALL = Scenario(weights="random", task="adding", length=12, hidden=3, model="both", step=4, unit=1)
TEXT = Scenario(weights="random", task="text", text="hello world", hidden=4, model="lstm", colour_by="f")
PLOTLY_JS_MARKER = "plotly.js v"  # the banner at the top of the bundled plotly.min.js


@pytest.fixture(scope="module")
def small():
    lesson = build_lesson(SMALL)
    return lesson, analyse(lesson)


@pytest.fixture
def no_browser(monkeypatch):
    """A machine without Chrome/Chromium, as kaleido and choreographer see it."""
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")


def toy_figure() -> go.Figure:
    fig = go.Figure(go.Scatter(x=[0, 1, 2], y=[0.125, 0.5, 0.875], name="forget gate"))
    fig.update_layout(title_text="Forget gate over time")
    return fig


# --- no browser: say so plainly, never hang ----------------------------------------------------------------
def test_static_export_unavailable_says_what_to_install(no_browser):
    available, reason = static_export_available()
    assert available is False
    assert "Chromium" in reason and "HTML" in reason


def test_rendering_without_a_browser_raises_a_plain_error_at_once(no_browser):
    with pytest.raises(StaticExportUnavailable, match="Chrome or Chromium"):
        figure_png(toy_figure(), renderer=StaticRenderer())


def test_pack_without_a_browser_keeps_html_and_data_and_says_what_is_missing(no_browser):
    options = PackOptions(formats="png,html", require_static=False)
    files = lecture_pack_files(SMALL, options=options)
    assert not [name for name in files if name.endswith((".png", ".gif", ".svg", ".pdf"))]
    assert "figures/cell-diagram.html" in files and "data/lesson.npz" in files
    assert "Not included: PNG, GIF" in files["README.md"].decode()


def test_pack_without_a_browser_refuses_static_formats_when_they_are_required(no_browser):
    with pytest.raises(StaticExportUnavailable):
        lecture_pack_files(SMALL, options=PackOptions(formats="svg"))


@pytest.mark.skipif(not BROWSER_AVAILABLE, reason="checks the positive answer; Chromium is absent here")
def test_static_export_available_names_the_browser():
    available, reason = static_export_available()
    assert available and "/" in reason


# --- HTML: offline, with the data, and the modebar fallback ---------------------------------------------------
def test_standalone_html_embeds_plotly_js_and_fetches_nothing():
    page = figure_html(toy_figure()).decode()
    assert PLOTLY_JS_MARKER in page
    assert not re.search(r"<script[^>]+src=[\"']https?://", page)
    assert not re.search(r"<link[^>]+href=[\"']https?://", page)
    assert "0.875" in page and "Forget gate over time" in page
    assert "<title>Forget gate over time</title>" in page


def test_directory_html_loads_the_shared_plotly_js_beside_it():
    page = figure_html(toy_figure(), plotly_js="directory").decode()
    assert f'src="{PLOTLY_JS_NAME}"' in page
    assert PLOTLY_JS_MARKER not in page and len(page) < 100_000
    assert PLOTLY_JS_MARKER in plotly_js_bytes()[:200].decode()


def test_animation_page_starts_playing_on_load_at_the_figures_own_speed(small):
    lesson, analyses = small
    belt = lesson_figures(lesson, SMALL, analyses=analyses)["conveyor-belt"]
    page = animation_html(belt, mode=None).decode()
    frame_ms = belt.layout.updatemenus[0].buttons[0].args[1]["frame"]["duration"]
    autoplay = re.search(r"Plotly\.animate\('[^']+', null, (\{.*?\})\);", page, re.S)
    assert autoplay, "no Plotly.animate call on load"
    assert json.loads(autoplay.group(1))["frame"]["duration"] == frame_ms
    assert "Plotly.animate" not in figure_html(belt, mode=None).decode()  # the plain page waits for ▶


def test_modebar_config_saves_a_named_2x_png_at_slide_size():
    config = modebar_config("latch / cell diagram")
    options = config["toImageButtonOptions"]
    assert options == {"format": "png", "filename": "latch-cell-diagram", "width": 1280, "height": 720, "scale": 2.0}
    assert config["displaylogo"] is False
    with pytest.raises(ValueError):
        modebar_config("x", fmt="pdf")


# --- figures leave untouched, themed and captioned -------------------------------------------------------
def test_export_never_modifies_the_apps_figure(small):
    lesson, analyses = small
    fig = lesson_figures(lesson, SMALL, mode="screen", caption=False, analyses=analyses)["conveyor-belt"]
    before = json.loads(fig.to_json())
    static_spec(fig, mode="print", caption="a caption")
    figure_html(fig, caption="a caption")
    assert json.loads(fig.to_json()) == before


def test_static_spec_drops_the_animation_and_gives_the_margin_back(small):
    lesson, analyses = small
    belt = lesson_figures(lesson, SMALL, analyses=analyses)["conveyor-belt"]
    spec = static_spec(belt, mode=None)
    assert "frames" not in spec and "sliders" not in spec["layout"] and "updatemenus" not in spec["layout"]
    assert belt.layout.sliders and spec["layout"]["margin"]["b"] == LOOKS["print"].margin[3]


def test_lesson_figures_follow_the_scenario_in_print_with_a_caption(small):
    lesson, analyses = small
    figures = lesson_figures(lesson, SMALL, analyses=analyses)
    assert list(figures) == ["cell-diagram", "gate-bars-lstm", "gate-bars-rnn", "conveyor-belt", "heatmaps-lstm",
                             "heatmaps-rnn", "gradient-flow", "connectivity"]  # fmt: skip
    for name, fig in figures.items():
        assert current_mode(fig) == "print", name
        assert "T = 12, H = 3" in fig.layout.title.subtitle.text, name
    assert "step t = 4, unit 1" in figures["cell-diagram"].layout.title.text
    assert len(figures["conveyor-belt"].frames) == 12


def test_rnn_only_scenario_has_no_cell_figures_and_text_gets_coloured_characters():
    rnn = SMALL.replace(model="rnn")
    assert "cell-diagram" not in lesson_figures(build_lesson(rnn), rnn)
    text_figures = lesson_figures(build_lesson(TEXT), TEXT)
    assert "text-heat" in text_figures and "forget gate f" in text_figures["text-heat"].layout.title.text


def test_caption_states_the_scenario_and_is_replaced_not_repeated(small):
    lesson, _ = small
    caption = scenario_caption(SMALL.replace(forget_bias=2.0), lesson)
    assert "Adding problem" in caption and "T = 12, H = 3" in caption and "forget bias +2" in caption
    from lstm_viz.export.prepare import stamp_caption

    fig = stamp_caption(stamp_caption(toy_figure(), "first"), "second")
    assert "second" in fig.layout.title.subtitle.text and "first" not in fig.layout.title.subtitle.text
    assert fig.layout.meta[CAPTION_META] == ""


def test_equations_are_markdown_math_for_the_shown_models(small):
    lesson, _ = small
    text = lesson_equations(lesson, SMALL)
    assert "## LSTM, unit 1, step t = 4" in text and "## vanilla RNN, unit 1, step t = 4" in text
    assert text.count("$$") == 2 * (6 + 2)


# --- data -------------------------------------------------------------------------------------------------
def test_trace_csv_reads_back_exactly(small):
    lesson, analyses = small
    rows = list(csv.DictReader(io.StringIO(view_csv(lesson, "heatmaps", analyses).decode())))
    lstm = [r for r in rows if r["model"] == "lstm"]
    rnn = [r for r in rows if r["model"] == "rnn"]
    assert len(lstm) == len(rnn) == 12 * 3
    got = np.array([[float(r["f"]) for r in lstm if r["unit"] == str(u)] for u in range(3)]).T
    np.testing.assert_array_equal(got, lesson.lstm_trace.f)  # exact: floats written as repr
    assert rnn[0]["f"] == "" and float(rnn[5]["h"]) == lesson.rnn_trace.h[1, 2]


def test_view_csvs_hold_gradients_and_connectivity(small):
    lesson, analyses = small
    grads = list(csv.DictReader(io.StringIO(view_csv(lesson, "gradients", analyses).decode())))
    assert [float(r["rnn_dL_dh_norm"]) for r in grads] == list(analyses.flows["rnn"].dh_norm)
    assert int(grads[0]["lag"]) == 11
    memory = list(csv.DictReader(io.StringIO(view_csv(lesson, "memory", analyses).decode())))
    assert float(memory[3]["lstm_dyT_dx_norm"]) == analyses.connectivity["lstm"].norm[3]
    with pytest.raises(ValueError, match="train"):
        view_csv(lesson, "train", analyses)


def test_every_table_has_its_header_and_parameters_name_their_gate(small):
    lesson, analyses = small
    tables = lesson_csvs(lesson, analyses)
    assert set(tables) == {"inputs.csv", "trace.csv", "gradients.csv", "connectivity.csv", "parameters.csv"}
    params = list(csv.DictReader(io.StringIO(tables["parameters.csv"].decode())))
    forget_bias = [r for r in params if r["model"] == "lstm" and r["name"] == "bias_ih" and r["gate"] == "f"]
    assert len(forget_bias) == 3
    assert len(params) == (4 * 3 * (2 + 3 + 2)) + (3 * (2 + 3 + 2))


def test_npz_holds_scenario_parameters_traces_and_gradients_without_pickles(small):
    lesson, analyses = small
    with np.load(io.BytesIO(lesson_npz(lesson, SMALL, analyses)), allow_pickle=False) as archive:
        assert Scenario.from_json(str(archive["scenario_json"])) == SMALL
        np.testing.assert_array_equal(archive["lstm_weight_hh"], lesson.lstm.weight_hh)
        np.testing.assert_array_equal(archive["lstm_c"], lesson.lstm_trace.c)
        np.testing.assert_array_equal(archive["rnn_grad_dh_total"], analyses.gradients["rnn"].dh_total)
        np.testing.assert_array_equal(archive["lstm_flow_dc_norm"], analyses.flows["lstm"].dc_norm)
        assert archive["x"].shape == (12, 2) and archive["x_labels"].shape == (12,)


def test_last_step_gradients_match_the_gradient_flow(small):
    _, analyses = small
    for model in ("lstm", "rnn"):
        norms = np.linalg.norm(analyses.gradients[model].dh_total, axis=1)
        np.testing.assert_allclose(norms, analyses.flows[model].dh_norm, rtol=1e-12)


# --- atomic files -------------------------------------------------------------------------------------------
def test_write_atomic_replaces_the_file_whole(tmp_path):
    target = tmp_path / "figure.svg"
    target.write_bytes(b"old")
    write_atomic(target, b"new content")
    assert target.read_bytes() == b"new content"
    assert [p.name for p in tmp_path.iterdir()] == ["figure.svg"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "figure.png"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_file(target) as fh:
        fh.write(b"half a fi")
        raise RuntimeError("renderer crashed")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["figure.png"]


def test_write_tree_refuses_paths_outside_the_directory(tmp_path):
    with pytest.raises(ValueError, match="outside"):
        write_tree(tmp_path, {"../escape.txt": b"x"})
    assert list(tmp_path.iterdir()) == []


def test_a_pack_that_fails_midway_writes_nothing(tmp_path, monkeypatch, no_browser):
    import lstm_viz.export.pack as pack

    def crash(*args, **kwargs):
        raise RuntimeError("browser crashed")

    monkeypatch.setattr(pack, "animation_html", crash)  # fails after the figures are made
    with pytest.raises(RuntimeError):
        write_lecture_pack(SMALL, tmp_path / "out", options=PackOptions(formats="html", require_static=False))
    assert list((tmp_path / "out").iterdir()) == []


def test_unwritable_output_is_refused_with_a_message(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(ValueError, match="is a file"):
        check_writable_dir(blocker)
    with pytest.raises(ValueError, match="cannot write"):
        check_writable_dir(blocker / "sub")


def test_shipped_assets_are_never_modified_by_an_export(tmp_path, no_browser):
    def digest():
        return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(Path(PRETRAINED_DIR).iterdir())}

    before = digest()
    scenario = Scenario(weights="pretrained", task="adding", length=15, model="both")
    write_lecture_pack(scenario, tmp_path, options=PackOptions(formats="html", require_static=False))
    assert digest() == before


# --- packaging details --------------------------------------------------------------------------------------
def test_formats_parse_in_canonical_order_and_bad_ones_are_named():
    assert parse_formats("html, PNG,svg") == ("svg", "png", "html")
    with pytest.raises(ValueError, match="'jpg'"):
        parse_formats("svg,jpg")
    with pytest.raises(ValueError, match="at least one"):
        parse_formats(" , ")


def test_readme_query_regenerates_the_scenario(no_browser):
    files = lecture_pack_files(SMALL, options=PackOptions(formats="html", require_static=False))
    readme = files["README.md"].decode()
    assert f"--scenario '{scenario_query(SMALL)}'" in readme
    assert Scenario.parse(scenario_query(SMALL)) == SMALL
    assert Scenario.from_json(files["scenario.json"].decode()) == SMALL
    assert "| sequence | T = 12 steps, sequence seed 0 |" in readme


def test_uploaded_weights_travel_with_the_pack_as_uploaded(no_browser, tmp_path):
    uploaded = LSTMParams.init(2, 3, seed=7)
    scenario = Scenario(weights="upload", task="adding", length=8, forget_bias=1.5)
    files = lecture_pack_files(scenario, uploaded=uploaded, options=PackOptions(formats="html", require_static=False))
    (tmp_path / "w.npz").write_bytes(files["weights/uploaded-lstm.npz"])
    np.testing.assert_array_equal(LSTMParams.load(tmp_path / "w.npz").bias_ih, uploaded.bias_ih)  # before the knob
    readme = files["README.md"].decode()
    assert "--weights weights/uploaded-lstm.npz" in readme and "LSTM: uploaded .npz" in readme


def test_zip_keeps_images_stored_and_text_deflated():
    data = zip_bytes({"a.png": b"\x89PNG" + bytes(100), "b.svg": b"<svg/>" * 100}, "pack")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        kinds = {info.filename: info.compress_type for info in archive.infolist()}
    assert kinds == {"pack/a.png": zipfile.ZIP_STORED, "pack/b.svg": zipfile.ZIP_DEFLATED}


def test_figure_filename_names_the_scenario_and_the_figure(small):
    lesson, _ = small
    assert figure_filename(SMALL, lesson, "cell diagram", "png") == "lstm-viz-adding-random-both-T12-cell-diagram.png"


def test_progress_bar_writes_one_line_per_step_to_a_log():
    stream = io.StringIO()
    bar = ProgressBar(stream)
    bar(1, 4, "lesson computed")
    bar(4, 4, "done")
    bar.close()
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2 and lines[0].startswith("[######") and "1/4" in lines[0] and lines[1].endswith("done")
