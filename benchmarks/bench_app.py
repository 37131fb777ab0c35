"""Speed of the app as a teacher feels it: server time per interaction, and the first page after start-up.

Prints (does not assert), for the issue's budgets:
  * moving the step slider at T = 200, H = 16, per view: the step fragment's server time (step controls +
    the view, what `st.fragment` reruns) on a first visit of a step and on a revisit, and the whole script
    run AppTest performs for the same change (an upper bound);            budget < 150 ms
  * changing the scenario (hidden size, task, forget bias): the whole script run;   budget < 500 ms
  * the first script run of a fresh server process (server time of the first page), and
    `streamlit run app.py` → first chart drawn in Chromium, with a warm numba cache (< 5 s) and a cold one
    (< 30 s, NUMBA_CACHE_DIR pointed at an empty folder);
  * for information, the largest lesson a URL may ask for (T = 2000, H = 64).
Server times are wall-clock (perf_counter) with the thread's CPU time beside them: on a busy machine the CPU
time is the steadier figure. Medians over the repeats.

    python benchmarks/bench_app.py [--repeats N] [--skip-browser]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

from lstm_viz.ui.views import VIEW_MODULES  # noqa: E402

STEP_BUDGET_MS, SCENARIO_BUDGET_MS, WARM_START_BUDGET_S, COLD_START_BUDGET_S = 150, 500, 5, 30
LESSON = {"weights": "random", "task": "adding", "T": "200", "H": "16", "t": "10"}
STEP_VIEWS = ("cell", "belt", "heatmaps", "equations")
CHROMIUM = os.environ.get("BROWSER_PATH", "/usr/bin/chromium")
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


def first_render_seconds(env: dict) -> float:
    """``streamlit run app.py`` → the first Plotly chart drawn in Chromium, in seconds."""
    from playwright.sync_api import sync_playwright

    port = _free_port()
    started = time.perf_counter()
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
               "--server.address", "localhost", "--server.port", str(port)]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            try:
                urllib.request.urlopen(f"http://localhost:{port}/_stcore/health", timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(f"http://localhost:{port}/")
            page.wait_for_selector(".js-plotly-plot .main-svg", timeout=120_000)
            elapsed = time.perf_counter() - started
            browser.close()
        return elapsed
    finally:
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


def bench_start_up(browser: bool) -> None:
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
    print("\nFirst render after `streamlit run app.py` (process start → first chart drawn in Chromium)")
    warm = first_render_seconds(dict(os.environ))
    print(f"  warm numba cache {warm:8.1f} s   {verdict(warm, WARM_START_BUDGET_S)}")
    with tempfile.TemporaryDirectory() as empty:
        cold = first_render_seconds({**os.environ, "NUMBA_CACHE_DIR": empty})
    print(f"  cold numba cache {cold:8.1f} s   {verdict(cold, COLD_START_BUDGET_S)}")


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--skip-browser", action="store_true")
    args = parser.parse_args()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"lstm_viz app benchmark · {os.cpu_count()} cores · load average {load:.1f} · repeats {args.repeats}")
    bench_step_slider(args.repeats)
    bench_scenario_changes(args.repeats)
    bench_largest_lesson(args.repeats)
    bench_start_up(browser=not args.skip_browser)


if __name__ == "__main__":
    main()
