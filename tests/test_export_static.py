"""Static export in the real browser (kaleido + the system's Chromium), every file read back for real.

One browser serves the whole module (the ``renderer`` fixture); without Chromium every test here is
skipped with the reason.
"""

from __future__ import annotations

import io
import re
import zipfile

import plotly.graph_objects as go
import pytest
from export_checks import (
    assert_not_blank,
    gif_frames,
    needs_browser,
    pdf_page_count,
    png_size,
    svg_root,
    svg_text,
    svg_text_sizes,
)

from lstm_viz.export import (
    PackOptions,
    analyse,
    animation_gif,
    figure_pdf,
    figure_png,
    figure_svg,
    lecture_pack_zip,
    lesson_figures,
    shared_renderer,
)
from lstm_viz.export.static import CSS_DPI
from lstm_viz.lesson import build_lesson
from lstm_viz.scenario import Scenario

pytestmark = [needs_browser, pytest.mark.browser]

SLIDE_MIN_PX = 14 * 96 / 72  # 14 pt in CSS px
SCENARIO = Scenario(weights="random", task="adding", length=10, hidden=3, model="both", step=3)
CAPTION = "Adding problem · T = 10, H = 3"


@pytest.fixture(scope="module")
def renderer():
    """One headless Chromium for the whole module (the app's shared renderer), closed when the module ends."""
    browser = shared_renderer().start()
    yield browser
    browser.close()


@pytest.fixture(scope="module")
def figures():
    lesson = build_lesson(SCENARIO)
    return lesson_figures(lesson, SCENARIO, mode="screen", caption=False, analyses=analyse(lesson))


def test_png_is_2x_1280x720_with_real_content(renderer, figures):
    png = figure_png(figures["cell-diagram"], caption=CAPTION, renderer=renderer)
    assert png_size(png) == (2560, 1440)
    assert_not_blank(png)


def test_png_at_a_chosen_dpi_is_scaled_and_says_its_dpi(renderer):
    from PIL import Image

    fig = go.Figure(go.Bar(x=["i", "f", "o"], y=[0.2, 0.9, 0.5]), layout_title_text="Gates")
    png = figure_png(fig, dpi=144, width=640, height=360, renderer=renderer)
    assert png_size(png) == (round(640 * 144 / CSS_DPI), round(360 * 144 / CSS_DPI))
    with Image.open(io.BytesIO(png)) as image:
        assert round(image.info["dpi"][0]) == 144


def test_svg_parses_and_holds_the_title_the_caption_and_the_traces(renderer, figures):
    root = svg_root(figure_svg(figures["gradient-flow"], caption=CAPTION, renderer=renderer))
    text = svg_text(root)
    assert "How far back the gradient reaches" in text and CAPTION in text
    assert root.get("width") == "1280" and root.get("height") == "720"
    lines = [p for p in root.iter("{http://www.w3.org/2000/svg}path") if "js-line" in (p.get("class") or "")]
    assert len(lines) >= 3  # LSTM ‖∂L/∂h‖, LSTM ‖∂L/∂c‖, RNN ‖∂L/∂h‖


def test_pdf_is_one_16_by_9_page_with_real_text(renderer, figures):
    pdf = figure_pdf(figures["heatmaps-lstm"], caption=CAPTION, renderer=renderer)
    assert pdf_page_count(pdf) == 1
    assert re.search(rb"/MediaBox\s*\[0 0 960 540\]", pdf)  # 1280×720 px = 960×540 pt = 13.3×7.5 in
    assert re.search(rb"/BaseFont\s*/\w+\+\w+", pdf)  # an embedded font: the text stays text, not pixels


def test_title_caption_axes_ticks_and_legend_are_slide_sized(renderer, figures):
    """At 1280×720 the print theme's text is ≥ 14 pt (18.7 px). Checked on the SVG's own font sizes for the
    parts every figure has; a few figure-specific labels are smaller (reported to the figures' owner)."""
    for name in ("gate-bars-lstm", "gradient-flow"):
        root = svg_root(figure_svg(figures[name], caption=CAPTION, renderer=renderer))
        sizes = {}
        for role, _text, size in svg_text_sizes(root):
            if role in ("gtitle", "xtitle", "ytitle", "legendtext", "xtick", "caption") or (
                role == "ytick" and name == "gate-bars-lstm"  # log axes label their minor ticks smaller
            ):
                sizes.setdefault(role, []).append(size)
        assert {"gtitle", "xtitle", "caption", "xtick"} <= set(sizes), name
        assert min(min(v) for v in sizes.values()) >= SLIDE_MIN_PX, (name, sizes)


def test_conveyor_belt_gif_plays_through_the_sequence(renderer, figures):
    gif = animation_gif(figures["conveyor-belt"], caption=CAPTION, max_frames=6, renderer=renderer)
    frames, size = gif_frames(gif)
    assert frames == 6 and size == (1280, 720)


def test_many_figures_share_one_browser(renderer, figures):
    browser = renderer._kaleido
    for name in ("cell-diagram", "gate-bars-rnn", "connectivity"):
        assert_not_blank(figure_png(figures[name], scale=1, renderer=renderer))
    assert renderer._kaleido is browser and renderer.running


def test_lecture_pack_zip_lists_every_file_and_states_the_scenario(renderer):
    scenario = SCENARIO.replace(model="lstm")
    options = PackOptions(formats="svg,png,pdf,html", scale=1, gif_frames=4)
    data = lecture_pack_zip(scenario, options=options, renderer=renderer)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        readme = archive.read("lstm-viz-adding-random-lstm-T10/README.md").decode()
        gif = archive.read("lstm-viz-adding-random-lstm-T10/animation/conveyor-belt.gif")
        png = archive.read("lstm-viz-adding-random-lstm-T10/figures/conveyor-belt.png")
    figures = ("cell-diagram", "gate-bars-lstm", "conveyor-belt", "heatmaps-lstm", "gradient-flow", "connectivity")
    expected = {f"figures/{name}.{fmt}" for name in figures for fmt in ("svg", "png", "pdf", "html")}
    expected |= {"README.md", "scenario.json", "equations.md", "figures/plotly.min.js", "data/lesson.npz",
                 "animation/conveyor-belt.gif", "animation/conveyor-belt.html"}  # fmt: skip
    expected |= {f"data/{table}.csv" for table in ("inputs", "trace", "gradients", "connectivity", "parameters")}
    assert names == {f"lstm-viz-adding-random-lstm-T10/{name}" for name in expected}
    assert gif_frames(gif)[0] == 4 and png_size(png) == (1280, 720)
    assert "# Lecture pack: Adding problem" in readme
    assert "| sequence | T = 10 steps, sequence seed 0 |" in readme
    assert "python -m lstm_viz export --scenario 'model=lstm&weights=random" in readme
    assert "http://localhost:8501/?model=lstm&weights=random" in readme
