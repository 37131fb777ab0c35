"""A whole class at one server: `streamlit run app.py` and many headless Chromium sessions driving it at once.

Shared by benchmarks/bench_classroom.py (N = 10, 20, 30 students for 30 s) and tests/test_classroom.py
(3 students, isolation checked). One browser holds every student; each has its own context (cookies,
storage, websocket), so the server sees N independent Streamlit sessions.

    with AppServer(ROOT) as server, MemorySampler(server.pid) as memory:
        async with chromium() as browser, contextlib.AsyncExitStack() as stack:
            students, load_times = await open_class(browser, server.url, 10, stack)
            await asyncio.gather(*(student_loop(s, i, deadline, think_s=1.0, seed=i) for i, s in enumerate(students)))

A re-render is timed from the key press to the moment the page shows its result with the script run over:
the step slider → every step-titled chart says "t = <new step>"; the forget-gate bias slider → the URL
carries the new ``fbias`` (written by the run's last line) — each with ``stApp`` back to ``notRunning``
and connected. The server's own share is clocked inside it (``AppServer(run_log=...)``, see TIMED_APP).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
]  # fmt: skip
VIEWPORT = {"width": 1400, "height": 900}
START_TIMEOUT_S = 90  # server start on a busy 2-core machine
LOAD_TIMEOUT_MS = 120_000  # a first page may compile numba kernels (cold cache) while 29 others queue
ACTION_TIMEOUT_MS = 20_000  # one re-render; past this it counts as a timeout error
POLL_MS = 25  # how often a wait re-checks the page (the latency's resolution)
MEMORY_SAMPLE_S = 0.25

STEP_SLIDER = ".st-key-w-step input[type=range]"
BIAS_SLIDER = ".st-key-w-forget_bias input[type=range]"
HIDDEN_SLIDER = ".st-key-w-hidden input[type=range]"
TEXT_AREA = ".st-key-w-text textarea"
UPLOADER = "[data-testid=stFileUploaderDropzoneInput]"
EXCEPTION = "[data-testid=stException]"
ERROR_ALERT = "[data-testid=stAlertContentError]"
MAIN = "[data-testid=stMain]"

# The page is settled when the script run is over, the websocket is up and no chart is mid-redraw.
_IDLE_JS = """() => {
  const app = document.querySelector('[data-testid=stApp]');
  return !!app && app.dataset.testScriptState === 'notRunning' && app.dataset.testConnectionState === 'CONNECTED';
}"""
_STEP_SHOWN_JS = """(t) => {
  if (!(IDLE)()) return false;
  const titles = Array.from(document.querySelectorAll('.js-plotly-plot'))
    .map(g => (g.layout && g.layout.title && g.layout.title.text) || '')
    .filter(text => /\\bt = \\d+/.test(text));
  const own = new RegExp('\\\\bt = ' + t + '(?!\\\\d)');
  return titles.length > 0 && titles.every(text => own.test(text));
}""".replace("IDLE", _IDLE_JS)
_PARAM_CHANGED_JS = """([name, before]) => {
  if (!(IDLE)()) return false;
  return new URLSearchParams(window.location.search).get(name) !== before;
}""".replace("IDLE", _IDLE_JS)
_CHARTS_JS = "() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= 1"
_TITLES_JS = "() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(g => (g.layout.title || {}).text)"


def chromium_path() -> str | None:
    """Debian's Chromium (or $BROWSER_PATH), or None when this machine has none."""
    candidate = os.environ.get("BROWSER_PATH", "/usr/bin/chromium")
    return candidate if Path(candidate).exists() else shutil.which("chromium")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("localhost", 0))
        return sock.getsockname()[1]


# --- the server --------------------------------------------------------------------------------------------
# app.py with clocks: the whole script run, and the step fragment's part (step controls + view) when the
# fragment reruns alone. One line per run, "<full|fragment> <wall s> <thread CPU s>", in $CLASSROOM_RUN_LOG.
TIMED_APP = """
import os, sys, threading, time
sys.path.insert(0, os.getcwd())
from lstm_viz.ui import main, stepper
from lstm_viz.ui.views import VIEW_MODULES

_LOG, _LOCK, _RUN = os.environ["CLASSROOM_RUN_LOG"], threading.Lock(), threading.local()

def _write(kind, started):
    wall, cpu = time.perf_counter() - started[0], time.thread_time() - started[1]
    with _LOCK, open(_LOG, "a") as fh:
        fh.write(f"{kind} {wall:.6f} {cpu:.6f}\\n")

def _fragment_starts(fn):  # the step controls: the first part of a step fragment's rerun
    def run(*args, **kwargs):
        if not getattr(_RUN, "full", None):
            _RUN.fragment = (time.perf_counter(), time.thread_time())
        return fn(*args, **kwargs)
    run.clocked = True
    return run

def _fragment_ends(fn):  # the view: the rest of it
    def run(*args, **kwargs):
        started = getattr(_RUN, "fragment", None) or (time.perf_counter(), time.thread_time())
        try:
            return fn(*args, **kwargs)
        finally:
            _RUN.fragment = None
            if not getattr(_RUN, "full", None):
                _write("fragment", started)
    return run

if not getattr(stepper.render, "clocked", False):
    stepper.render = _fragment_starts(stepper.render)
    for module in VIEW_MODULES.values():
        module.render = _fragment_ends(module.render)

_RUN.full = (time.perf_counter(), time.thread_time())
try:
    main.run()
finally:
    _write("full", _RUN.full)
    _RUN.full = None
"""


def read_run_log(path: Path) -> dict[str, list[tuple[float, float]]]:
    """{"full": [(wall s, CPU s), ...], "fragment": [...]} from a TIMED_APP log (missing file: no runs)."""
    runs: dict[str, list[tuple[float, float]]] = {"full": [], "fragment": []}
    with contextlib.suppress(FileNotFoundError), open(path) as fh:
        for line in fh:
            kind, wall, cpu = line.split()
            runs[kind].append((float(wall), float(cpu)))
    return runs


class AppServer:
    """``streamlit run app.py`` on a free localhost port, up once /_stcore/health answers; stopped on exit.

    With ``run_log`` the server runs app.py's code through TIMED_APP, which logs every script run's time there;
    ``options`` are extra Streamlit config options for this run ({"runner.postScriptGC": "true"}); ``nice``
    the server's CPU niceness (negative: ahead of everything else on the machine; needs root, else ignored).
    """

    def __init__(self, root: Path, log_path: Path | None = None, env: dict | None = None, run_log: Path | None = None,
                 options: dict[str, str] | None = None, nice: int = 0):  # fmt: skip
        self.root, self.log_path, self.env, self.run_log = Path(root), log_path, dict(env or {}), run_log
        self.options, self.nice = dict(options or {}), nice
        self.port = free_port()
        self.url = f"http://localhost:{self.port}"
        self.process: subprocess.Popen | None = None
        self._folder = None

    @property
    def pid(self) -> int:
        return self.process.pid

    def __enter__(self) -> AppServer:
        script = "app.py"
        if self.run_log is not None:
            self.run_log.unlink(missing_ok=True)
            self._folder = tempfile.TemporaryDirectory(prefix="classroom-app-")
            script = str(Path(self._folder.name) / "timed_app.py")
            Path(script).write_text(TIMED_APP)
            self.env["CLASSROOM_RUN_LOG"] = str(self.run_log)
        command = [sys.executable, "-m", "streamlit", "run", script, "--server.headless", "true",
                   "--server.address", "localhost", "--server.port", str(self.port),
                   "--browser.gatherUsageStats", "false"]  # fmt: skip
        command += [part for name, value in self.options.items() for part in (f"--{name}", value)]
        log = self.log_path.open("w") if self.log_path else subprocess.DEVNULL
        self.process = subprocess.Popen(command, cwd=self.root, stdout=log, stderr=subprocess.STDOUT,
                                        env={**os.environ, **(self.env or {})}, preexec_fn=self._renice)  # fmt: skip
        if log is not subprocess.DEVNULL:
            log.close()  # the child holds its own copy
        try:
            self._wait_healthy()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _renice(self) -> None:  # in the child, before it runs streamlit
        if self.nice:
            with contextlib.suppress(OSError):  # not root: the server keeps the usual priority
                os.nice(self.nice)

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited with status {self.process.returncode}; see {self.log_path}")
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        return
            time.sleep(0.2)
        raise RuntimeError(f"streamlit did not answer /_stcore/health within {START_TIMEOUT_S} s")

    def __exit__(self, *exc) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)
        if self._folder is not None:
            self._folder.cleanup()


# --- server memory -------------------------------------------------------------------------------------------
def _children(pid: int) -> list[int]:
    kids = []
    with contextlib.suppress(OSError):
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                kids += [int(k) for k in fh.read().split()]
    return kids


def _rss_bytes(pid: int) -> int:
    with contextlib.suppress(OSError), open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0  # the process has gone


def tree_rss_bytes(pid: int) -> int:
    """Resident memory of ``pid`` and all its descendants (read from /proc)."""
    total, todo, seen = 0, [pid], set()
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        total += _rss_bytes(current)
        todo += _children(current)
    return total


class MemorySampler:
    """Samples the server's RSS (process tree) in a background thread: start, peak and end of a run."""

    def __init__(self, pid: int, interval_s: float = MEMORY_SAMPLE_S):
        self.pid, self.interval_s = pid, interval_s
        self.samples: list[tuple[float, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="rss-sampler")

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval_s)

    def sample(self) -> int:
        rss = tree_rss_bytes(self.pid)
        self.samples.append((time.monotonic(), rss))
        return rss

    def __enter__(self) -> MemorySampler:
        self.sample()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.sample()

    @property
    def peak_mb(self) -> float:
        return max(rss for _, rss in self.samples) / 2**20


# --- one student ---------------------------------------------------------------------------------------------
@dataclass
class Stats:
    """What a class run measured: latencies (s) per action kind, and every error seen."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)

    def merge(self, other: Stats) -> None:
        for kind, values in other.latencies.items():
            self.latencies[kind] += values
        self.errors += other.errors

    def count(self, prefix: str) -> int:
        return sum(error.startswith(prefix) for error in self.errors)


class ActionTimeout(Exception):
    pass


class Student:
    """One browser context and page: a student's own Streamlit session, with its console errors recorded."""

    def __init__(self, browser, server_url: str, name: str):
        self.browser, self.server_url, self.name = browser, server_url, name
        self.stats = Stats()
        self.context = self.page = None

    async def __aenter__(self) -> Student:
        self.context = await self.browser.new_context(viewport=VIEWPORT)
        self.page = await self.context.new_page()
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda exc: self.stats.errors.append(f"pageerror {self.name}: {exc}"))
        return self

    async def __aexit__(self, *exc) -> None:
        await self.context.close()

    def _on_console(self, message) -> None:
        if message.type == "error":
            self.stats.errors.append(f"console {self.name}: {message.text[:300]}")

    # --- loading and waiting ---
    async def open(self, query: str = "") -> float:
        """Load the app at ``?query``; returns the seconds until the first chart is drawn and the run is over."""
        started = time.perf_counter()
        await self.page.goto(f"{self.server_url}/?{query}", timeout=LOAD_TIMEOUT_MS)
        await self.page.wait_for_function(_CHARTS_JS, timeout=LOAD_TIMEOUT_MS, polling=POLL_MS)
        await self.settle(LOAD_TIMEOUT_MS)
        return time.perf_counter() - started

    async def settle(self, timeout_ms: int = ACTION_TIMEOUT_MS) -> None:
        await self.page.wait_for_function(_IDLE_JS, timeout=timeout_ms, polling=POLL_MS)

    async def reload(self) -> None:
        await self.page.reload(timeout=LOAD_TIMEOUT_MS)
        await self.settle(LOAD_TIMEOUT_MS)

    async def check_page(self) -> None:
        """Record any exception Streamlit shows on the page."""
        for text in await self.page.locator(EXCEPTION).all_inner_texts():
            self.stats.errors.append(f"exception {self.name}: {text[:300]}")

    # --- what the page shows ---
    async def text(self) -> str:
        return await self.page.inner_text(MAIN)

    async def chart_titles(self) -> list[str]:
        return await self.page.evaluate(_TITLES_JS)

    async def step(self) -> int:
        return int(await self.page.locator(STEP_SLIDER).input_value())

    async def error_alerts(self) -> list[str]:
        return await self.page.locator(ERROR_ALERT).all_inner_texts()

    # --- actions, each timed until its result is on the page ---
    async def move_step(self, delta: int = 1) -> float:
        """Press → (or ←) on the step slider |delta| times; seconds until every step chart shows the new t."""
        slider = self.page.locator(STEP_SLIDER)
        low, high = int(await slider.get_attribute("min")), int(await slider.get_attribute("max"))
        target = min(max(await self.step() + delta, low), high)
        if target == await self.step():
            return 0.0
        key = "ArrowRight" if delta > 0 else "ArrowLeft"
        await slider.focus()
        started = time.perf_counter()
        for _ in range(abs(target - await self.step())):
            await self.page.keyboard.press(key)
        await self._wait(_STEP_SHOWN_JS, target, "step")
        return time.perf_counter() - started

    async def nudge_forget_bias(self, rng: random.Random) -> float:
        """One key press on the forget-gate bias (a new lesson); seconds until the URL carries the new value."""
        slider = self.page.locator(BIAS_SLIDER)
        value = float(await slider.input_value())
        key = "ArrowLeft" if value > 5 or (value > -5 and rng.random() < 0.5) else "ArrowRight"
        before = await self.page.evaluate("() => new URLSearchParams(window.location.search).get('fbias')")
        await slider.focus()
        started = time.perf_counter()
        await self.page.keyboard.press(key)
        await self._wait(_PARAM_CHANGED_JS, ["fbias", before], "knob")
        return time.perf_counter() - started

    async def navigate(self, query: str) -> float:
        """Open another lesson by its URL (a new Streamlit session); seconds until its first chart is drawn."""
        try:
            return await self.open(query)
        except Exception as exc:
            raise ActionTimeout(f"navigate: {type(exc).__name__}") from exc

    async def _wait(self, script: str, arg, what: str) -> None:
        try:
            await self.page.wait_for_function(script, arg=arg, timeout=ACTION_TIMEOUT_MS, polling=POLL_MS)
        except Exception as exc:  # playwright's TimeoutError, or the page navigated away
            raise ActionTimeout(f"{what}: {type(exc).__name__}") from exc

    async def upload(self, name: str, data: bytes) -> None:
        await self.page.locator(UPLOADER).set_input_files(
            {"name": name, "mimeType": "application/octet-stream", "buffer": data}
        )

    async def type_sequence(self, text: str) -> None:
        """Type into the sequence box and commit it (Ctrl+Enter, as Streamlit's text area asks)."""
        box = self.page.locator(TEXT_AREA)
        await box.fill(text)
        await box.press("Control+Enter")

    async def press_slider(self, selector: str, key: str, times: int) -> None:
        slider = self.page.locator(selector)
        await slider.focus()
        for _ in range(times):
            await self.page.keyboard.press(key)

    async def screenshot(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        await self.page.screenshot(path=str(path), full_page=False)


# --- a student without a browser --------------------------------------------------------------------------------
class LightStudent:
    """A student who speaks Streamlit's websocket protocol directly, as the page's JavaScript does, and draws
    nothing: N of them put N sessions' worth of script runs on the server without N browsers' CPU.

    Each action sends the rerun request the page would send (the step slider's new value with the step
    fragment's id; a new forget-gate bias as a whole rerun) and is timed until the server's script_finished
    for it arrives; widgets not sent keep their values on the server. Same actions, same Stats as Student.
    """

    def __init__(self, server_url: str, name: str):
        self.server_url, self.name = server_url, name
        self.stats = Stats()
        self.socket = None
        self.query = ""
        self.page_hash = ""
        self.widgets: dict[str, tuple[str, object, str]] = {}  # user key -> (widget id, Slider proto, fragment id)
        self.values: dict[str, float] = {}  # user key -> the slider's value as this student last set or saw it

    async def __aenter__(self) -> LightStudent:
        return self

    async def __aexit__(self, *exc) -> None:
        if self.socket is not None:
            await self.socket.close()

    async def open(self, query: str = "") -> float:
        """A new session on the lesson ``?query``; seconds until its first run is over."""
        from websockets.asyncio.client import connect

        if self.socket is not None:
            await self.socket.close()
        started = time.perf_counter()
        ws_url = self.server_url.replace("http://", "ws://") + "/_stcore/stream"
        self.socket = await connect(ws_url, max_size=None, open_timeout=LOAD_TIMEOUT_MS / 1000)
        self.query, self.widgets, self.values = query, {}, {}
        await self._run({}, fragment="", timeout_s=LOAD_TIMEOUT_MS / 1000)
        return time.perf_counter() - started

    async def move_step(self, delta: int = 1) -> float:
        widget_id, slider, fragment = self.widgets["w.step"]
        value = int(self.values["w.step"])
        target = min(max(value + delta, int(slider.min)), int(slider.max))
        if target == value:
            return 0.0
        self.values["w.step"] = target
        return await self._timed({widget_id: [float(target)]}, fragment)

    async def nudge_forget_bias(self, rng: random.Random) -> float:
        widget_id, _, _ = self.widgets["w.forget_bias"]
        value = self.values["w.forget_bias"]
        value = round(value + (-0.1 if value > 5 or (value > -5 and rng.random() < 0.5) else 0.1), 1)
        self.values["w.forget_bias"] = value
        return await self._timed({widget_id: [value]}, "")

    async def navigate(self, query: str) -> float:
        try:
            return await self.open(query)
        except Exception as exc:
            raise ActionTimeout(f"navigate: {type(exc).__name__}") from exc

    async def check_page(self) -> None:
        pass  # exceptions are recorded as they arrive

    async def reload(self) -> None:
        await self.open(self.query)

    async def _timed(self, changes: dict, fragment: str) -> float:
        started = time.perf_counter()
        try:
            await self._run(changes, fragment, ACTION_TIMEOUT_MS / 1000)
        except (TimeoutError, OSError) as exc:  # OSError: the connection dropped (websockets' errors included)
            raise ActionTimeout(f"{type(exc).__name__}") from exc
        return time.perf_counter() - started

    async def _run(self, changes: dict, fragment: str, timeout_s: float) -> None:
        """Send one rerun request (``changes``: widget id -> slider values) and read until its run is over."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        message = BackMsg()
        rerun = message.rerun_script
        rerun.query_string, rerun.page_script_hash, rerun.fragment_id = self.query, self.page_hash, fragment
        context = rerun.context_info
        context.timezone, context.locale, context.color_scheme, context.url = "UTC", "en-US", "light", self.server_url
        for widget_id, values in changes.items():
            rerun.widget_states.widgets.add(id=widget_id).double_array_value.data.extend(values)
        await self.socket.send(message.SerializeToString())
        async with asyncio.timeout(timeout_s):
            async for frame in self.socket:
                reply = ForwardMsg.FromString(frame)
                kind = reply.WhichOneof("type")
                if kind == "delta":
                    self._read_delta(reply.delta)
                elif kind == "new_session":
                    self.page_hash = reply.new_session.page_script_hash
                elif kind == "page_info_changed":
                    self.query = reply.page_info_changed.query_string
                elif kind == "script_finished" and reply.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    return

    def _read_delta(self, delta) -> None:
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        kind = element.WhichOneof("type")
        if kind == "slider":
            slider = element.slider
            key = slider.id.rsplit("-", 1)[-1]  # "$$ID-<hash>-w.step" -> "w.step"
            self.widgets[key] = (slider.id, slider, delta.fragment_id)
            if slider.set_value or key not in self.values:
                self.values[key] = (slider.value or slider.default)[0]
        elif kind == "exception":
            self.stats.errors.append(f"exception {self.name}: {element.exception.message[:300]}")


# --- a lesson ---------------------------------------------------------------------------------------------
# Different students, different lessons: the caches see a class's worth of distinct scenarios.
LESSONS = (
    "",  # the default lesson: the latch preset
    "weights=random&task=adding&T=100&H={h}&wseed={i}",
    "weights=random&task=recall&T=60&H={h}&model=both",
    "weights=preset&preset=counter",
    "weights=random&task=text&H={h}&wseed={i}",
    "weights=random&task=sine&T=200&H={h}&rscale=1.2",
)
STEP_SHARE = 0.7  # of a student's actions: the step slider; the rest turn the forget-gate bias
NAVIGATE_EVERY = 8  # every n-th action opens another lesson by URL (a new session, the old one dropped)


def lesson_query(student: int, visit: int) -> str:
    """The URL query of a student's ``visit``-th lesson."""
    template = LESSONS[(student + visit) % len(LESSONS)]
    return template.format(i=student, h=4 + (student + visit) % 13)


async def student_loop(student: Student | LightStudent, index: int, deadline: float, think_s: float, seed: int,
                       navigate: bool = True) -> None:  # fmt: skip
    """Act until ``deadline`` (monotonic): step moves, knob nudges and (with ``navigate``) new lessons by URL.

    Between actions the student looks at the chart for ``think_s`` (±50 %); the first action comes after a
    look of 0–``think_s`` (a class does not press a key in the same instant). Every action's latency lands in
    ``student.stats``; a timeout is recorded as an error and the page reloaded.
    """
    rng = random.Random(seed)
    await asyncio.sleep(min(think_s * rng.random(), max(0.0, deadline - time.monotonic())))
    actions = 0
    while time.monotonic() < deadline:
        actions += 1
        try:
            if navigate and actions % NAVIGATE_EVERY == 0:
                kind, latency = "navigate", await student.navigate(lesson_query(index, actions // NAVIGATE_EVERY))
            elif rng.random() < STEP_SHARE:
                kind, latency = "step", await student.move_step(rng.choice((1, 1, 1, -1)))
            else:
                kind, latency = "knob", await student.nudge_forget_bias(rng)
            student.stats.latencies[kind].append(latency)
            await student.check_page()
        except ActionTimeout as exc:
            student.stats.errors.append(f"timeout {student.name}: {exc}")
            with contextlib.suppress(Exception):
                await student.reload()
        if think_s > 0:
            await asyncio.sleep(min(think_s * rng.uniform(0.5, 1.5), max(0.0, deadline - time.monotonic())))


class BrowserNice:
    """Keeps every thread of the Chromium processes under this process at niceness ``nice``.

    Chromium run as root resets its own priorities (renderers back to 0, its UI threads to -8), so starting it
    under `nice` is not enough: this thread re-applies the niceness twice a second.
    """

    def __init__(self, nice: int, interval_s: float = 0.5):
        self.nice, self.interval_s = nice, interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="browser-nice")

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            self.apply()

    def apply(self) -> None:
        for pid in descendants(os.getpid()):
            if command_name(pid) != "chromium":
                continue
            with contextlib.suppress(OSError):
                for tid in os.listdir(f"/proc/{pid}/task"):
                    with contextlib.suppress(OSError):
                        if os.getpriority(os.PRIO_PROCESS, int(tid)) != self.nice:
                            os.setpriority(os.PRIO_PROCESS, int(tid), self.nice)  # one thread (Linux)

    def __enter__(self) -> BrowserNice:
        if self.nice:
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()


def descendants(pid: int) -> list[int]:
    found, todo = [], _children(pid)
    while todo:
        child = todo.pop()
        found.append(child)
        todo += _children(child)
    return found


def command_name(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/comm") as fh:
            return fh.read().strip()
    except OSError:
        return ""


@contextlib.asynccontextmanager
async def chromium(executable: str | None = None, nice: int = 0):
    """One headless Chromium for the whole class; ``nice`` > 0 keeps it (every page) at a lower CPU priority,
    so that on a machine shared with the server the students' browsers do not starve the server they measure."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=executable or chromium_path(), args=CHROMIUM_ARGS)
        try:
            with BrowserNice(nice):
                yield browser
        finally:
            await browser.close()


async def open_class(browser, server_url: str, n: int, stack: contextlib.AsyncExitStack, queries=None,
                     browsers: int | None = None, concurrent_loads: int = 6) -> tuple[list, list[float]]:  # fmt: skip
    """N students, each on their first lesson: the first ``browsers`` (default all) in Chromium pages, the rest
    LightStudents. At most ``concurrent_loads`` load at once (a class does not open the link in the same
    second). Returns the students and their load times (s)."""
    browsers = n if browsers is None else min(browsers, n)
    gate = asyncio.Semaphore(concurrent_loads)
    students = [
        await stack.enter_async_context(
            Student(browser, server_url, f"s{i:02d}") if i < browsers else LightStudent(server_url, f"w{i:02d}")
        )
        for i in range(n)
    ]

    async def load(i: int) -> float:
        async with gate:
            return await students[i].open(queries[i] if queries else lesson_query(i, 0))

    return students, list(await asyncio.gather(*(load(i) for i in range(n))))


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0–100) of ``values``, linear between ranks; NaN when there are none."""
    if not values:
        return float("nan")
    ranked = sorted(values)
    position = (len(ranked) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ranked) - 1)
    return ranked[low] + (ranked[high] - ranked[low]) * (position - low)
