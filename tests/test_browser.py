"""The app in a real browser: Debian's headless Chromium drives `streamlit run app.py` as a teacher would.

Screenshots land in test-artifacts/ (one per check) so a person can look at what the page showed.
"""

from __future__ import annotations

import io
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest

from lstm_viz.core import RNNParams
from lstm_viz.ui.views.train import DEFAULT_UPDATES

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("BROWSER_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
]  # fmt: skip
VIEWPORT = {"width": 1600, "height": 1000}
START_TIMEOUT_S = 60
RENDER_TIMEOUT_MS = 90_000  # a cold numba cache compiles the kernels on the first page load
STEP_SLIDER = ".st-key-w-step input[type=range]"

if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
    pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright Python package drives Chromium")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("localhost", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    port = _free_port()
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
               "--server.address", "localhost", "--server.port", str(port)]  # fmt: skip
    ARTIFACTS.mkdir(exist_ok=True)
    log = (ARTIFACTS / "streamlit-server.log").open("w")
    process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://localhost:{port}"
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as response:
                if response.status == 200:
                    break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"streamlit did not start; see {log.name}")
            time.sleep(0.2)
    yield url
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh page that records console errors and uncaught page errors."""
    page = recording_page(browser, VIEWPORT)
    yield page
    page.context.close()


def recording_page(browser, viewport: dict):
    """A page in a new browser context of ``viewport``'s size, its console errors and page errors recorded."""
    page = browser.new_context(viewport=viewport).new_page()
    page.console_errors = []
    page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    return page


def open_page(page, server: str, query: str = "", charts: int = 1) -> None:
    """Load the app at ``?query`` and wait for its run to finish and ``charts`` Plotly charts to be drawn."""
    page.goto(f"{server}/?{query}")
    page.wait_for_selector("[data-testid=stTabs]", timeout=RENDER_TIMEOUT_MS)
    settle(page)
    if charts:
        script = f"() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= {charts}"
        page.wait_for_function(script, timeout=RENDER_TIMEOUT_MS)


def settle(page) -> None:
    """Wait until Streamlit reports its script run finished."""
    page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]", timeout=RENDER_TIMEOUT_MS)
    page.wait_for_timeout(300)


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def chart_titles(page) -> list[str]:
    return page.evaluate("() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(g => g.layout.title.text)")


BELT = "Array.from(document.querySelectorAll('.js-plotly-plot')).find(g => g.layout.sliders)"


def belt_slider(page) -> int:
    return page.evaluate(f"() => {BELT}._fullLayout.sliders[0].active")


def wait_for_belt(page, condition: str, timeout: int = 20_000) -> None:
    """Wait until the belt's own slider position meets ``condition`` (JS, e.g. "> 8" or "=== 6")."""
    page.wait_for_function(f"() => ({BELT})._fullLayout.sliders[0].active {condition}", timeout=timeout)


def test_default_lesson_loads_with_charts_and_no_console_errors(page, server):
    open_page(page, server)
    titles = chart_titles(page)
    assert any("LSTM cell at step t = 5" in t for t in titles), titles
    assert "preset=latch" in page.url
    for name in ("Previous step", "Next step"):  # what a screen reader says, while the screen shows an arrow
        button = page.get_by_role("button", name=name, exact=True)
        assert button.bounding_box()["width"] < 60
    shot(page, "01-default-lesson")
    assert page.console_errors == []


def test_a_reload_takes_plotly_js_from_the_browser_cache(page, server):
    """The 4.7 MB chart library is downloaded once per browser, not on every page load of a class."""
    library = """() => performance.getEntriesByType('resource')
        .filter(e => e.name.includes('plotly.min.js')).map(e => [e.transferSize, e.decodedBodySize])"""
    open_page(page, server)
    (first,) = page.evaluate(library)
    assert first[0] > 100_000  # the first load downloads it
    page.reload()
    open_page(page, server)
    (again,) = page.evaluate(library)
    assert again == [0, first[1]], "the reload downloaded plotly.js again"
    assert page.console_errors == []


def test_arrow_key_on_the_step_slider_moves_the_cell_to_the_next_step(page, server):
    open_page(page, server)
    slider = page.locator(STEP_SLIDER)
    slider.focus()
    started = time.perf_counter()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('.js-plotly-plot'))"
        ".some(g => g.layout.title.text.includes('t = 6'))",
        timeout=30_000,
    )
    print(f"\nArrowRight → redrawn cell diagram: {1000 * (time.perf_counter() - started):.0f} ms (browser wall time)")
    assert slider.input_value() == "6"
    page.wait_for_function("() => window.location.search.includes('t=6')", timeout=10_000)
    shot(page, "02-step-6")
    assert page.console_errors == []


def test_a_presentation_clicker_and_the_arrow_keys_step_from_anywhere_on_the_page(page, server):
    """Page Down / Page Up (what a clicker sends) and → / ← press ▶ / ◀ wherever the focus is, except in a
    control that uses the key itself: there the step slider moves once, not twice."""
    open_page(page, server)
    page.wait_for_function("() => window.lstmVizStepKeys === true")
    page.evaluate("() => document.activeElement.blur()")  # the focus on the page, not on a control
    at_step = "t => new URLSearchParams(window.location.search).get('t') === String(t)"
    for key, step in (("PageDown", 6), ("PageDown", 7), ("ArrowRight", 8), ("PageUp", 7), ("ArrowLeft", 6)):
        page.keyboard.press(key)
        page.wait_for_function(at_step, arg=step, timeout=30_000)
        settle(page)
    assert any("LSTM cell at step t = 6" in t for t in chart_titles(page))
    page.locator(STEP_SLIDER).focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(at_step, arg=7, timeout=30_000)
    settle(page)
    page.wait_for_timeout(1000)
    assert page.locator(STEP_SLIDER).input_value() == "7"  # the slider's own step only
    assert page.console_errors == []


def test_play_animates_the_conveyor_belt_in_the_browser_and_pause_stops_it_cleanly(page, server):
    open_page(page, server, "view=belt&t=5")
    assert belt_slider(page) == 5
    play, pause = _belt_play_pause(page)
    play.click()  # ▶ play
    wait_for_belt(page, "> 8")
    shot(page, "03-belt-playing")
    pause.click()  # ❚❚ pause: plotly.js rejects the interrupted animation's promise; the page handles that
    paused = belt_slider(page)
    page.wait_for_timeout(1000)
    assert belt_slider(page) == paused > 5
    shot(page, "03-belt-paused")
    assert page.console_errors == []


def test_pausing_the_belt_moves_the_pages_step_to_the_paused_frame(page, server):
    """After ❚❚ the page's step is the belt's: the next › goes on from there, not from the step before ▶."""
    open_page(page, server, "view=belt&t=5")
    play, pause = _belt_play_pause(page)
    play.click()
    wait_for_belt(page, "> 8")
    pause.click()
    paused = belt_slider(page)
    page.wait_for_function(f"() => window.location.search.includes('t={paused}')", timeout=20_000)
    settle(page)
    assert page.locator(STEP_SLIDER).input_value() == str(paused)
    assert f"t = {paused} (0–" in page.inner_text("[data-testid=stMain]")
    assert belt_slider(page) == paused  # the redraw at the paused step left the belt where it was
    _step_to(page, paused + 1)
    wait_for_belt(page, f"=== {paused + 1}", timeout=10_000)
    assert page.console_errors == []


def _belt_play_pause(page):
    return page.locator(".js-plotly-plot .updatemenu-button").all()


def _step_to(page, step: int) -> None:
    page.locator(STEP_SLIDER).focus()
    page.keyboard.press("ArrowRight")
    settle(page)
    page.wait_for_function(f"() => window.location.search.includes('t={step}')", timeout=10_000)


def test_a_step_change_stops_the_belt_animation_and_play_resumes_from_the_new_step(page, server):
    open_page(page, server, "view=belt&t=5")
    play, pause = _belt_play_pause(page)
    play.click()
    wait_for_belt(page, "> 8")
    _step_to(page, 6)  # while it plays: the chart must show step 6 and stay there
    wait_for_belt(page, "=== 6", timeout=10_000)
    page.wait_for_timeout(1000)
    assert belt_slider(page) == 6
    play, pause = _belt_play_pause(page)
    play.click()  # plays on from step 6, not from where the first animation was
    wait_for_belt(page, "> 6")
    pause.click()
    assert 6 < belt_slider(page) < 40
    assert page.console_errors == []


def test_stepping_a_paused_belt_plays_its_frame_without_drawing_the_whole_animation_again(page, server):
    open_page(page, server, "view=belt&t=5")
    page.evaluate("""() => {
      window.reacts = 0;
      const react = Plotly.react;
      Plotly.react = (...args) => { window.reacts += 1; return react(...args); };
    }""")
    for step in (4, 3):  # back, before the step the figure was first drawn at
        page.locator(STEP_SLIDER).focus()
        page.keyboard.press("ArrowLeft")
        settle(page)
        page.wait_for_function(f"() => window.location.search.includes('t={step}')", timeout=10_000)
    wait_for_belt(page, "=== 3", timeout=10_000)
    assert page.evaluate("() => window.reacts") == 0
    shown = page.evaluate(f"""() => {{
      const belt = {BELT};
      const frame = belt._transitionData._frames.find(f => f.name === "3");
      return frame.traces.every((index, k) => JSON.stringify(belt.data[index].x) === JSON.stringify(frame.data[k].x)
        && JSON.stringify(belt.data[index].y) === JSON.stringify(frame.data[k].y));
    }}""")
    assert shown  # the traces the frame animates show step 3
    listen = "e => window.played.push(e.name)"
    page.evaluate(f"() => {{ window.played = []; ({BELT}).on('plotly_animatingframe', {listen}); }}")
    play, pause = _belt_play_pause(page)
    play.click()  # plays on from step 3, not from step 5 where the figure was first drawn
    wait_for_belt(page, "> 5")
    pause.click()
    assert page.evaluate("() => window.played.slice(0, 3)")[0] in ("3", "4"), page.evaluate("() => window.played")
    assert page.console_errors == []


def test_charts_follow_the_column_width_when_the_sidebar_closes_and_offer_no_cloud_upload(page, server):
    open_page(page, server, "view=cell", charts=2)
    widths = (
        "() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(g => [g.clientWidth, g._fullLayout.width])"
    )
    before = page.evaluate(widths)
    assert all(div == plot for div, plot in before), before
    page.hover("[data-testid=stSidebar]")
    page.locator("[data-testid=stSidebar] button[aria-label='Collapse sidebar']").click(force=True)
    page.wait_for_function(f"() => ({widths})().every(([div, plot]) => div === plot && div > {before[0][0]})")
    page.locator("button[aria-label='Expand sidebar'], [data-testid=stExpandSidebarButton]").first.click(force=True)
    page.wait_for_function(f"() => ({widths})().every(([div, plot]) => div === plot && div === {before[0][0]})")
    assert page.locator(".modebar-btn[data-title*='Download plot']").count() >= 1
    assert page.locator(".modebar-btn[data-title*='Share'], .modebar-btn[data-title*='Cloud']").count() == 0
    assert page.console_errors == []


def test_every_view_opens_in_the_browser(page, server):
    for n, view in enumerate(("cell", "belt", "heatmaps", "equations", "gradients", "memory", "train"), start=1):
        open_page(page, server, f"view={view}&model=both&weights=random&task=text&H=8", charts=0)
        assert page.locator("[data-testid=stException]").count() == 0, view
        shot(page, f"04-view-{n}-{view}")
    assert page.console_errors == []


def test_on_a_phone_the_cell_diagram_keeps_its_width_and_scrolls_sideways(browser, server):
    """Squeezed into a phone's column its fixed-size labels ran into each other; the bars still fit the column."""
    page = recording_page(browser, {"width": 390, "height": 844})
    open_page(page, server, "view=cell", charts=2)
    sizes = page.evaluate("""() => Array.from(document.querySelectorAll('.lstm-viz-live-chart')).map(div =>
        [div.layout.title.text, div.clientWidth, div.parentElement.clientWidth, div.parentElement.scrollWidth])""")
    (diagram,) = [size for size in sizes if "LSTM cell at step" in size[0]]
    assert diagram[1] >= 560 > diagram[2] and diagram[3] >= 560  # its column scrolls to show the rest
    others = [size for size in sizes if size is not diagram]
    assert others and all(width == column == scroll < 390 for _, width, column, scroll in others), others
    shot(page, "05-phone-cell")
    assert page.console_errors == []
    page.context.close()


def test_the_classroom_link_copies_with_one_click_and_the_page_loads_no_syntax_highlighter(browser, server):
    page = recording_page(browser, VIEWPORT)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    open_page(page, server, "weights=random&task=recall&H=4")
    page.get_by_text("Classroom link").click()
    box = page.locator(".lstm-viz-link")
    link = box.locator("code").inner_text()
    assert link.startswith(server) and "task=recall" in link and "H=4" in link
    box.get_by_role("button", name="Copy the link").click()
    sync_api.expect(box.get_by_role("button")).to_have_text("Copied ✓")
    assert page.evaluate("() => navigator.clipboard.readText()") == link
    scripts = page.evaluate("() => performance.getEntriesByType('resource').map(e => e.name)")
    assert not [name for name in scripts if "SyntaxHighlighter" in name]  # st.code's: ~0.5 s of CPU per load
    # a class on the room's network opens http://<ip>: no Clipboard API there, the select-and-copy fallback
    sync_api.expect(box.get_by_role("button")).to_have_text("Copy")  # ready again
    page.evaluate("() => navigator.clipboard.writeText('')")
    page.evaluate("() => Object.defineProperty(window, 'isSecureContext', {value: false})")
    box.get_by_role("button", name="Copy the link").click()
    sync_api.expect(box.get_by_role("button")).to_have_text("Copied ✓")
    assert page.evaluate("() => navigator.clipboard.readText()") == link
    assert page.console_errors == []
    page.context.close()


def test_in_a_short_window_the_cell_diagram_fits_its_height(browser, server):
    """Projector mode (a 700-px diagram) in a 1366 × 600 window: the diagram, drawn to scale, is made short enough
    to show whole once scrolled to."""
    page = recording_page(browser, {"width": 1366, "height": 600})
    open_page(page, server, "view=cell&present=1", charts=2)
    heights = page.evaluate("""() => Array.from(document.querySelectorAll('.lstm-viz-live-chart'))
        .map(div => [div.layout.title.text, div.clientHeight, div._fullLayout.height])""")
    (diagram,) = [h for h in heights if "LSTM cell at step" in h[0]]
    assert diagram[1] == diagram[2] <= 600 - 16
    assert page.console_errors == []
    page.context.close()


def test_projector_mode_on_a_1280_by_720_projector(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    open_page(page, server, "present=1")
    # the larger text comes with the first run's style element: wait for it rather than read it at one instant
    page.wait_for_function("() => parseFloat(getComputedStyle(document.documentElement).fontSize) > 16", timeout=10_000)
    shot(page, "05-projector-cell")
    open_page(page, server, "present=1&view=gradients&weights=random&task=adding&T=100&H=16&rscale=1.8")
    shot(page, "05-projector-gradients")
    context.close()


def test_projector_mode_switched_on_in_the_sidebar_leaves_the_sidebar_open(page, server):
    """A projector link opens with the sidebar folded, but switching projector mode on there must not fold it."""
    sidebar_open = "() => document.querySelector('[data-testid=stSidebar]').dataset.collapsed === 'false'"
    open_page(page, server, "view=cell")
    assert page.evaluate(sidebar_open)
    page.locator("[data-testid=stSidebar] .st-key-w-presentation label").click()
    page.wait_for_url("**present=1**", timeout=RENDER_TIMEOUT_MS)
    settle(page)
    page.locator(".st-key-w-forget_bias input[type=range]").focus()
    page.keyboard.press("ArrowRight")  # any later run
    page.wait_for_url("**fbias=0.1**", timeout=RENDER_TIMEOUT_MS)
    settle(page)
    assert page.evaluate(sidebar_open), "the sidebar folded away after projector mode was switched on"
    assert page.console_errors == []


def _npz(params) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, kind=np.array(params.kind), **params.arrays())
    return buffer.getvalue()


def test_uploading_weights_bad_then_good(page, server):
    open_page(page, server, "weights=upload&task=adding")
    dropzone = page.locator("[data-testid=stFileUploaderDropzoneInput]")
    dropzone.set_input_files({"name": "broken.npz", "mimeType": "application/octet-stream", "buffer": b"not a zip"})
    page.get_by_text("Could not use 'broken.npz'").wait_for(timeout=30_000)
    settle(page)
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= 1")
    shot(page, "06-upload-refused")
    good = _npz(RNNParams.init(2, 5, seed=3))
    dropzone.set_input_files({"name": "rnn.npz", "mimeType": "application/octet-stream", "buffer": good})
    page.get_by_text("uploaded rnn.npz").wait_for(timeout=30_000)  # the header names the file in use
    settle(page)
    assert page.get_by_text("Could not use").count() == 0
    shot(page, "06-upload-accepted")
    assert page.console_errors == []


def test_typed_script_stays_text(page, server):
    open_page(page, server, "weights=random&task=text&text=%3Cscript%3Ewindow.pwned%3D1%3C%2Fscript%3Ehi")
    assert page.evaluate("() => window.pwned === undefined")
    assert page.locator("script", has_text="pwned").count() == 0
    shot(page, "07-script-as-text")


def test_training_shows_progress_then_curves_and_snapshots(page, server):
    open_page(page, server, "view=train&weights=random&task=adding&T=20&H=4", charts=0)
    page.get_by_role("button", name="Train both").click()
    page.get_by_text("updates", exact=False).first.wait_for(timeout=30_000)
    page.get_by_text(f"after {DEFAULT_UPDATES} updates").first.wait_for(timeout=120_000)  # the view's default run
    settle(page)
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= 2", timeout=60_000)
    titles = " ".join(chart_titles(page))
    assert "LSTM cell" in titles
    shot(page, "08-trained")
    page.get_by_text("before (0 updates)").click()
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('p')).some(p => p.textContent.includes('before (0 updates)'))",
        timeout=30_000,
    )
    settle(page)
    shot(page, "08-before-training")
    assert page.get_by_role("button", name="Training run (.npz)").count() == 1
    assert page.console_errors == []


def test_the_during_training_snapshot_is_on_screen_while_training_runs(browser, server):
    context = browser.new_context(viewport={"width": 1600, "height": 2300})  # tall: the gates below the curves
    page = context.new_page()
    page.console_errors = []
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    open_page(page, server, "view=train&weights=random&task=adding&T=100&H=16", charts=0)
    page.locator(".st-key-train-updates input[type=range]").focus()
    page.keyboard.press("End")  # 2000 updates: long enough to look at it while it runs
    settle(page)
    page.get_by_role("button", name="Train both").click()
    page.get_by_text("during (400 updates)").first.wait_for(timeout=120_000)
    # one live snapshot choice; for an instant after a newer snapshot arrives, the old one still fades out
    sync_api.expect(page.get_by_text("so far: the run goes on")).to_have_count(1, timeout=10_000)
    assert page.get_by_role("button", name="Cancel").is_enabled()
    page.wait_for_timeout(1000)
    shot(page, "09-training-live")
    page.get_by_role("button", name="Cancel").click()
    page.get_by_text("cancelled: best weights kept").first.wait_for(timeout=60_000)
    settle(page)
    shot(page, "09-training-cancelled")
    assert page.console_errors == []
    context.close()


def test_export_popover_saves_a_png_and_an_html_page_made_on_click(page, server):
    open_page(page, server, charts=2)
    popovers = page.locator("[data-testid=stPopover] button", has_text="Export")
    assert popovers.count() == 2  # in the row under the view: one for the cell diagram, one for the bars
    popovers.first.click()
    shot(page, "08-export-popover")
    for label, signature in (("HTML", b"<!DOCTYPE html>"), ("PNG", b"\x89PNG\r\n\x1a\n")):
        with page.expect_download(timeout=RENDER_TIMEOUT_MS) as download:
            page.get_by_test_id("stPopoverBody").get_by_role("button", name=label, exact=True).click()
        data = Path(download.value.path()).read_bytes()
        assert data.startswith(signature) if label == "PNG" else signature.lower() in data[:200].lower()
        assert download.value.suggested_filename == f"lstm-viz-latch-lstm-T120-cell-diagram.{label.lower()}"
    assert page.console_errors == []
