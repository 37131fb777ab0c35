"""Speed of the app as a teacher feels it: server time per interaction, and the first page after start-up.

Prints (does not assert), for the issue's budgets:
  * moving the step slider at T = 200, H = 16, per view: the step fragment's server time (step controls +
    the view, what `st.fragment` reruns) on a first visit of a step and on a revisit, and the whole script
    run AppTest performs for the same change (an upper bound);            budget < 150 ms
  * changing the scenario (hidden size, task, forget bias): the whole script run;   budget < 500 ms
  * the first script run of a fresh server process (server time of the first page), and
    `streamlit run app.py` → first chart of the lesson drawn in Chromium, with a warm numba cache (< 5 s) and a
    cold one (< 30 s, NUMBA_CACHE_DIR pointed at an empty folder). Chromium is started before the clock (a
    teacher's browser is already open; its own start-up is not the app's), each page gets a fresh browser
    context (empty HTTP cache), and a breakdown is printed: server up (health check), page loaded, the first
    script run's start and end and when its first lesson chart reached the browser (read from the websocket),
    and the chart drawn;
  * for information, the largest lesson a URL may ask for (T = 2000, H = 64).
Server times are wall-clock (perf_counter) with the thread's CPU time beside them: on a busy machine the CPU
time is the steadier figure. Medians over the repeats.

    python benchmarks/bench_app.py [--repeats N] [--skip-browser] [--start-up-only]
"""

from __future__ import annotations

import argparse
import math
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

from lstm_viz.ui.main import CUE_KEY  # noqa: E402
from lstm_viz.ui.views import VIEW_MODULES  # noqa: E402

STEP_BUDGET_MS, SCENARIO_BUDGET_MS, WARM_START_BUDGET_S, COLD_START_BUDGET_S = 150, 500, 5, 30
LESSON = {"weights": "random", "task": "adding", "T": "200", "H": "16", "t": "10"}
STEP_VIEWS = ("cell", "belt", "heatmaps", "equations")
CHROMIUM = os.environ.get("BROWSER_PATH", "/usr/bin/chromium")
CUE_CLASS = "st-key-" + CUE_KEY.replace(".", "-")
LESSON_CHART_DRAWN = (  # a chart of the lesson drawn: not the blank one that cues plotly.js (see ui/main.py)
    "() => Array.from(document.querySelectorAll('.js-plotly-plot'))"
    f".some(g => !g.closest('.{CUE_CLASS}') && g.querySelector('.main-svg'))"
)
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
]  # fmt: skip

# The app, with clocks around the whole run and around the parts the step fragment reruns.
TIMED_APP = f"""
import sys, time
sys.path.insert(0, {str(ROOT)!r})
import streamlit as st
from lstm_viz.ui import main, stepper
from lstm_viz.ui.views import VIEW_MODULES

def clocked(name, fn):
    def run(*args, **kwargs):
        wall, cpu = time.perf_counter(), time.thread_time()
        try:
            return fn(*args, **kwargs)
        finally:
            log = st.session_state.setdefault("bench.clock", {{}})
            spent = log.get(name, (0.0, 0.0))
            log[name] = (spent[0] + time.perf_counter() - wall, spent[1] + time.thread_time() - cpu)
    run.clocked = True
    return run

if not getattr(stepper.render, "clocked", False):
    stepper.render = clocked("fragment", stepper.render)
    for module in VIEW_MODULES.values():
        module.render = clocked("fragment", module.render)
st.session_state["bench.clock"] = {{}}
wall, cpu = time.perf_counter(), time.thread_time()
main.run()
st.session_state["bench.clock"]["run"] = (time.perf_counter() - wall, time.thread_time() - cpu)
"""


def timed_app(query: dict) -> AppTest:
    at = AppTest.from_string(TIMED_APP, default_timeout=300)
    at.query_params.update(query)
    return at.run()


def clock(at: AppTest, name: str) -> tuple[float, float]:
    """(wall ms, cpu ms) of the last run's ``name`` part."""
    wall, cpu = at.session_state["bench.clock"].get(name, (float("nan"), float("nan")))
    return 1000 * wall, 1000 * cpu


def median_pair(samples) -> tuple[float, float]:
    return statistics.median(s[0] for s in samples), statistics.median(s[1] for s in samples)


def row(label: str, pair: tuple[float, float], budget: float) -> str:
    wall, cpu = pair
    verdict = "ok" if wall < budget else ("ok on CPU time" if cpu < budget else "OVER")
    return f"  {label:<46} {wall:8.0f} ms wall {cpu:8.0f} ms cpu   (budget {budget:.0f} ms: {verdict})"


def bench_step_slider(repeats: int) -> None:
    print(f"\nStep slider, T = {LESSON['T']}, H = {LESSON['H']} (server time per change)")
    at = timed_app(LESSON)
    for view in STEP_VIEWS:
        at.session_state["w.view"] = VIEW_MODULES[view].LABEL
        at.run()
        first, again, whole = [], [], []
        for k in range(repeats):
            at.slider(key="w.step").set_value(20 + k).run()  # a step this lesson has not shown yet
            first.append(clock(at, "fragment"))
            whole.append(clock(at, "run"))
            at.slider(key="w.step").set_value(19 + k).run()
            at.slider(key="w.step").set_value(20 + k).run()  # back to it: served from the figure cache
            again.append(clock(at, "fragment"))
        print(row(f"{view}: new step, fragment", median_pair(first), STEP_BUDGET_MS))
        print(row(f"{view}: revisited step, fragment", median_pair(again), STEP_BUDGET_MS))
        print(row(f"{view}: new step, whole script run", median_pair(whole), STEP_BUDGET_MS))


def bench_scenario_changes(repeats: int) -> None:
    print("\nScenario changes (whole script run, a lesson never built before)")
    at = timed_app(LESSON)
    changes = {
        "hidden size H": lambda k: at.slider(key="w.hidden").set_value(10 + k),
        "forget-gate bias": lambda k: at.slider(key="w.forget_bias").set_value(0.5 + 0.1 * k),
        "sequence seed": lambda k: at.number_input(key="w.seed").set_value(100 + k),
        "task": lambda k: at.selectbox(key="w.task").set_value(("recall", "sine", "temporal_order", "adding")[k % 4]),
    }
    for label, change in changes.items():
        samples = []
        for k in range(repeats):
            change(k).run()
            samples.append(clock(at, "run"))
        print(row(label, median_pair(samples), SCENARIO_BUDGET_MS))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("localhost", 0))
        return sock.getsockname()[1]


@dataclass
class FirstRender:
    """Seconds from ``streamlit run`` (the process start) to each milestone of the first page."""

    health: float = math.nan  # /_stcore/health answers: the server is up
    page_loaded: float = math.nan  # the page's HTML and script bundle loaded (the "load" event)
    script_started: float = math.nan  # the session's first script run began (its new_session message)
    first_element: float = math.nan  # the first element of that run reached the browser
    chart_sent: float = math.nan  # the first Plotly chart's message reached the browser
    script_finished: float = math.nan  # the first script run ended (script_finished)
    chart_drawn: float = math.nan  # Plotly drew that chart (.main-svg in the DOM)

    def breakdown(self) -> str:
        script = self.script_finished - self.script_started
        draw = self.chart_drawn - self.chart_sent
        return (
            f"server up {self.health:.2f} s · page loaded {self.page_loaded:.2f} s · script run "
            f"{self.script_started:.2f}→{self.script_finished:.2f} s ({script:.2f} s; first chart sent at "
            f"{self.chart_sent:.2f} s) · chart drawn {self.chart_drawn:.2f} s ({draw:.2f} s after it was sent)"
        )


def _browser_listener(marks: FirstRender, started: float):
    """Record, from the browser's side of the websocket, when the first run starts, sends a chart and ends."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    def note(field: str) -> None:
        if math.isnan(getattr(marks, field)):
            setattr(marks, field, time.perf_counter() - started)

    def on_frame(payload) -> None:
        if isinstance(payload, str):
            return
        message = ForwardMsg()
        message.ParseFromString(payload)
        kind = message.WhichOneof("type")
        if kind == "new_session":
            note("script_started")
        elif kind == "delta":
            note("first_element")
            delta = message.delta
            element = delta.new_element if delta.WhichOneof("type") == "new_element" else None
            if element is not None and element.WhichOneof("type") == "bidi_component":  # the app's live charts
                if not element.bidi_component.id.endswith(CUE_KEY):  # not the blank chart that cues plotly.js
                    note("chart_sent")
        elif kind == "script_finished":
            note("script_finished")

    return lambda socket: socket.on("framereceived", on_frame)


def first_render(browser, env: dict) -> FirstRender:
    """``streamlit run app.py`` → the first Plotly chart drawn, in a Chromium that was already running.

    The clock starts when the server process is started: a teacher's browser is open before they type
    ``streamlit run`` (which opens a tab in it). Each measurement uses a fresh browser context (an empty
    HTTP cache), so the page's scripts are fetched from the new server every time.
    """
    port = _free_port()
    context = browser.new_context()
    page = context.new_page()
    page.goto("about:blank")
    marks = FirstRender()
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
               "--server.address", "localhost", "--server.port", str(port)]  # fmt: skip
    started = time.perf_counter()
    page.on("websocket", _browser_listener(marks, started))
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            try:
                urllib.request.urlopen(f"http://localhost:{port}/_stcore/health", timeout=1).close()
                break
            except OSError:
                time.sleep(0.02)
        marks.health = time.perf_counter() - started
        page.goto(f"http://localhost:{port}/", wait_until="load")
        marks.page_loaded = time.perf_counter() - started
        page.wait_for_function(LESSON_CHART_DRAWN, timeout=120_000, polling=20)
        marks.chart_drawn = time.perf_counter() - started
        page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]", timeout=120_000)
        return marks
    finally:
        context.close()
        server.terminate()
        server.wait(timeout=20)


FIRST_RUN_SCRIPT = """
import sys, time
sys.path.insert(0, {root!r})
cpu, wall = time.thread_time(), time.perf_counter()
from lstm_viz.ui.main import run
run()
import streamlit as st
st.session_state["first"] = (time.thread_time() - cpu, time.perf_counter() - wall)
"""
FIRST_RUN = (
    "from streamlit.testing.v1 import AppTest\n"
    "at = AppTest.from_string(SCRIPT, default_timeout=300).run()\n"
    "print(*at.session_state['first'])\n"
)


def first_script_run(env: dict) -> tuple[float, float]:
    """(cpu s, wall s) of the first script run of a fresh process: import the app, build and draw the default page."""
    code = f"SCRIPT = {FIRST_RUN_SCRIPT.format(root=str(ROOT))!r}\n{FIRST_RUN}"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    cpu, wall = (float(v) for v in out.stdout.split()[-2:])
    return cpu, wall


def verdict(seconds: float, budget: float) -> str:
    return f"(budget {budget} s: {'ok' if seconds < budget else 'OVER'})"


def bench_start_up(browser: bool, repeats: int) -> None:
    print("\nFirst script run of a fresh server process (import the app, build the default lesson, draw it)")
    for label, env in (("warm", {}), ("cold", None)):
        with tempfile.TemporaryDirectory() as empty:
            extra = env if env is not None else {"NUMBA_CACHE_DIR": empty}
            cpu, wall = first_script_run({**os.environ, **extra})
        print(f"  {label} numba cache {wall:8.1f} s wall {cpu:6.1f} s cpu")
    if not browser:
        return
    if not Path(CHROMIUM).exists():
        print(f"\nFirst render: skipped (no Chromium at {CHROMIUM})")
        return
    print(
        f"\nFirst render after `streamlit run app.py` (process start → first chart drawn), median of {repeats};"
        "\n  Chromium is already running when the clock starts (a teacher's browser is open), fresh HTTP cache"
    )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as empty:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        cases = (("warm", {}, WARM_START_BUDGET_S), ("cold", {"NUMBA_CACHE_DIR": empty}, COLD_START_BUDGET_S))
        for label, env, budget in cases:
            runs = [first_render(chromium, {**os.environ, **env}) for _ in range(repeats if label == "warm" else 1)]
            runs.sort(key=lambda marks: marks.chart_drawn)
            middle = runs[len(runs) // 2]
            spread = f"  (runs: {', '.join(f'{m.chart_drawn:.1f}' for m in runs)} s)" if len(runs) > 1 else ""
            print(f"  {label} numba cache {middle.chart_drawn:8.1f} s   {verdict(middle.chart_drawn, budget)}{spread}")
            print(f"    {middle.breakdown()}")
        chromium.close()
    print(f"  load average now {_load():.1f}")


def bench_largest_lesson(repeats: int) -> None:
    print("\nThe largest lesson a URL may ask for, T = 2000, H = 64 (for information; the budgets are for T = 200)")
    at = timed_app({"weights": "random", "task": "adding", "T": "2000", "H": "64", "t": "10"})
    print(row("open (whole run, lesson never built)", clock(at, "run"), SCENARIO_BUDGET_MS))
    for view in ("cell", "heatmaps", "gradients"):
        at.session_state["w.view"] = VIEW_MODULES[view].LABEL
        at.run()
        print(row(f"switch to {view} (whole run)", clock(at, "run"), SCENARIO_BUDGET_MS))
    at.session_state["w.view"] = VIEW_MODULES["cell"].LABEL
    at.run()
    samples = []
    for k in range(repeats):
        at.slider(key="w.step").set_value(1000 + k).run()
        samples.append(clock(at, "fragment"))
    print(row("cell: new step, fragment", median_pair(samples), STEP_BUDGET_MS))


def _load() -> float:
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else math.nan


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--skip-browser", action="store_true")
    parser.add_argument("--start-up-only", action="store_true", help="only the first script run and first render")
    args = parser.parse_args()
    print(f"lstm_viz app benchmark · {os.cpu_count()} cores · load average {_load():.1f} · repeats {args.repeats}")
    if not args.start_up_only:
        bench_step_slider(args.repeats)
        bench_scenario_changes(args.repeats)
        bench_largest_lesson(args.repeats)
    bench_start_up(browser=not args.skip_browser, repeats=args.repeats)


if __name__ == "__main__":
    main()
