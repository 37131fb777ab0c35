"""In a real browser: the figures render to PNG with their gate colours, and the conveyor belt's
animation plays, pauses and scrubs inside plotly.js (Debian's headless Chromium)."""

from __future__ import annotations

import io
import os
import re
import shutil

import numpy as np
import pytest

from lstm_viz.core import LSTMParams, lstm_forward
from lstm_viz.figures import GATE_COLORS, apply_theme, cell_diagram, conveyor_belt, gate_bars
from lstm_viz.figures.palette import hex_to_rgb

CHROMIUM = os.environ.get("BROWSER_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="needs Debian's chromium (apt-get install chromium)"),
]
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
T, H, D = 30, 4, 3


@pytest.fixture(scope="module")
def trace():
    params = LSTMParams.init(D, H, seed=3, forget_bias=1.0)
    return lstm_forward(params, np.random.default_rng(7).normal(size=(T, D)))


def pixels_near(image, color: str, tolerance: float = 6.0) -> int:
    rgb = np.asarray(image.convert("RGB"), dtype=float)
    return int((np.abs(rgb - hex_to_rgb(color)).max(axis=-1) <= tolerance).sum())


def test_cell_diagram_renders_at_1280x720_with_every_gate_colour(trace):
    pytest.importorskip("kaleido")
    image_module = pytest.importorskip("PIL.Image")
    fig = apply_theme(cell_diagram(trace, 12, 1, x_label="'h'"), "print")
    png = fig.to_image(format="png", width=1280, height=720)
    image = image_module.open(io.BytesIO(png))
    assert image.size == (1280, 720)
    for key in ("i", "f", "g", "o", "c", "h"):
        assert pixels_near(image, GATE_COLORS[key]) > 100, key  # outlines and wires in the gate's own colour


def test_the_focused_units_values_stay_full_size_on_32_narrow_bars():
    """Plotly shrinks a bar's outside label to the bar's width unless told not to: at H = 32 in half a
    1280-px screen that made the focused unit's numbers ~6 px, unreadable on a projector."""
    pytest.importorskip("kaleido")
    params = LSTMParams.init(D, 32, seed=1)
    fig = apply_theme(gate_bars(lstm_forward(params, np.ones((5, D))), 4, focus_unit=7), "presentation")
    svg = fig.to_image(format="svg", width=640, height=650).decode()
    labels = re.findall(r'<text class="bartext[^>]*>[^<]+</text>', svg)
    assert len(labels) == 6  # the focused unit's i, f, g, o, c, h
    assert all(f"font-size: {fig.layout.font.size}px" in label for label in labels), labels
    assert not [label for label in labels if "scale(" in label], "labels shrunk to the bar width"


@pytest.mark.parametrize(("mode", "width", "height"), [("screen", 820, 480), ("presentation", 1200, 600)])
def test_the_gradient_legend_sits_below_the_plot_not_on_the_curves(mode, width, height):
    """Inside the plot the legend hid the underflow markers along the bottom (the latch) and curves passing by."""
    pytest.importorskip("kaleido")
    from lstm_viz.core import RNNParams, gradient_flow
    from lstm_viz.figures import gradient_flow_figure

    x = np.ones((40, 1))
    flows = {"LSTM": gradient_flow(LSTMParams.init(1, 2, seed=0), x), "RNN": gradient_flow(RNNParams.init(1, 2), x)}
    fig = apply_theme(gradient_flow_figure(flows), mode)
    svg = fig.to_image(format="svg", width=width, height=height).decode()
    plot_top = float(re.search(r'<g class="xy" transform="translate\([\d.]+,([\d.]+)\)"', svg).group(1))
    plot_height = float(re.search(r'xyplot" class="plotclip"><rect width="[\d.]+" height="([\d.]+)"', svg).group(1))
    legend_top = float(re.search(r'<g class="legend"[^>]*translate\([\d.]+,([\d.]+)\)', svg).group(1))
    assert legend_top >= plot_top + plot_height


def test_conveyor_animation_plays_pauses_and_scrubs_in_the_browser(trace, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    page_file = tmp_path / "belt.html"
    conveyor_belt(trace, 1, t=10, x_labels=list("abcdefghijklmnopqrstuvwxyz!?.,")).write_html(
        page_file, include_plotlyjs=True, auto_play=False
    )
    # the slider's read-out is its first label; trace 7 is the curtain, whose left edge is the cursor
    state = """() => {
        const gd = document.querySelector('.js-plotly-plot');
        return {cursor: gd.data[7].x[0], traces: gd.data.length,
                label: document.querySelector('.slider-group text.slider-label').textContent};
    }"""
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            page.goto(page_file.as_uri())
            page.wait_for_selector(".main-svg")
            start = page.evaluate(state)
            assert start["cursor"] == 10 and start["label"].startswith("step t = 10")
            page.get_by_text("▶ play").click()
            page.wait_for_timeout(900)
            page.get_by_text("pause").click()
            paused = page.evaluate(state)
            page.wait_for_timeout(600)
            assert page.evaluate(state) == paused  # paused means paused
            assert 10 < paused["cursor"] <= T - 1  # it played forward from step t
            page.evaluate("""() => Plotly.animate(document.querySelector('.js-plotly-plot'), ['25'],
                {frame: {duration: 0, redraw: false}, transition: {duration: 0}, mode: 'immediate'})""")
            page.wait_for_timeout(300)
            scrubbed = page.evaluate(state)
            assert scrubbed["cursor"] == 25 and scrubbed["traces"] == start["traces"]  # no trace dropped
            assert page.locator(".scatterlayer .trace").count() == start["traces"]
        finally:
            browser.close()
