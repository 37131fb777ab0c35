"""A whole class on one machine: N students' browsers at one `streamlit run app.py`, all clicking at once.

For each N (default 10, 20, 30) and each think time a fresh server starts on a free localhost port; one headless
Chromium opens N pages (one browser context each, so N independent Streamlit sessions; Chromium gives each its
own renderer process); every student then, for --seconds, moves the step slider (70 %), turns the forget-gate
bias (30 %, a new lesson) and every 8th action opens another lesson by URL, pausing --think seconds (±50 %)
between actions to look at the chart.

The load model, and why:
  * think time 10 s (5–15 s) by default: after a step a student reads the cell diagram (five gates, c and h,
    about fifteen numbers) and compares it with the step before; a class that follows a teacher moves a step
    every 5–15 s. That is 6 actions a minute per student, 3 a second for 30: a busy class, not an idle one.
    --think takes a list (--think 5,10,20) to sweep it; --think 0 clicks as fast as the page allows.
  * every student is a real Chromium page (--browsers N lets some speak the websocket protocol instead).
  * a new lesson by URL every 8th action is every ~80 s per student: more often than a teacher changes
    lessons, and a page load costs Chromium ~4 s of CPU, so this errs on the heavy side.
  * in a classroom every browser has its own computer and the server its own; here all N browsers share the
    server's 2 cores (with whatever else runs on the machine), and drawing one step costs Chromium ~15× the
    server's CPU (measured with benchmarks/bench_browser_step.py: ~0.35–0.45 s per step on the chart views
    against ~40–60 ms; the charts stay mounted and are redrawn with Plotly.react, but Streamlit's own React
    re-render of the step's elements alone is ~0.15 s). So the server runs at niceness
    --server-nice (-10, ahead of everything: the CPU it would have on its own machine) and the browsers at
    --browser-nice (5, behind the server, a little behind other work); their slowness shows in the re-render
    column, the server's own share in the srv columns.
    Not 19: at 19 a browser gets 1/68 of a normal process's share, and other people's jobs on a shared
    machine starve the class completely.

Prints per N, for the issue's targets (at N = 30: no errors, p95 re-render < 1 s, bounded server memory):
  * re-render latency p50/p95 as a student sees it: key press → every step chart titled with the new t (or
    the URL carrying the new forget bias) and the script run over; "open page": a lesson opened by URL;
  * the server's part of it, clocked inside the server (app.py run through a timing wrapper): the step
    fragment's rerun (step controls + view) and the whole script run (a new forget bias, a page opened);
  * errors: browser console errors / uncaught page errors, exceptions shown by Streamlit, action timeouts;
  * server memory (RSS of the streamlit process and its children, sampled every 0.25 s): idle after start,
    with the class loaded, peak, end of the run, and 5 s after every student left;
  * CPU: the server's share of one core, its CPU per run (the whole process: script, garbage collection,
    websocket) and its script thread's part, the browsers' share, everything else on the machine (other
    people's jobs), the time some task waited for a core (PSI), and the 1-min load average.
Screenshots of two students mid-run, the server logs and a JSON of the numbers go to benchmarks/out/.

    python benchmarks/bench_classroom.py [--sessions 10,20,30] [--seconds 60] [--think 10] [--browser-nice 5]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from classroom_driver import (  # noqa: E402
    AppServer,
    LightStudent,
    MemorySampler,
    Stats,
    chromium,
    chromium_path,
    command_name,
    descendants,
    open_class,
    percentile,
    read_run_log,
    student_loop,
)

OUT = ROOT / "benchmarks" / "out"
P95_TARGET_S = 1.0
TARGET_SESSIONS = 30
SETTLE_AFTER_CLOSE_S = 5  # for the server to drop the sessions of the students who left
RERENDERS = ("step", "knob")
# In a classroom every student's browser has its own machine; here all N share the server's cores, and one
# step costs Chromium several times the server's CPU. Niced browsers leave the server the CPU it would have.
BROWSER_NICE = 5
SERVER_NICE = -10
THINK_S = 10.0  # see the load model above
SECONDS = 60  # per class: at 10 s think time ~6 actions per student, ~180 for a class of 30
BROWSERS_HELP = (
    "how many students use a Chromium page (default: all); the others speak Streamlit's websocket protocol "
    "directly (LightStudent), which puts a class's load on the server without a class's browsers on its cores"
)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of ``pid`` (0 once it has gone)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def browser_cpu_seconds() -> float:
    """CPU time of every Chromium process this benchmark started (the students' browsers)."""
    return sum(cpu_seconds(pid) for pid in descendants(os.getpid()) if command_name(pid) == "chromium")


def machine_cpu_seconds() -> float:
    """Busy CPU time of the whole machine so far (every process, every core), from /proc/stat."""
    with open("/proc/stat") as fh:
        fields = [int(v) for v in fh.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait; guest time is already counted in user
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds() -> float:
    """CPU time of this benchmark's own processes other than the browsers (the driver, playwright's node)."""
    pids = [os.getpid()] + [pid for pid in descendants(os.getpid()) if command_name(pid) != "chromium"]
    return sum(cpu_seconds(pid) for pid in pids)


def cpu_pressure_s() -> float:
    """Seconds so far in which some runnable task waited for a CPU (Linux PSI); NaN where PSI is absent."""
    try:
        with open("/proc/pressure/cpu") as fh:
            return int(fh.readline().rsplit("total=", 1)[1]) / 1e6
    except (OSError, IndexError, ValueError):
        return float("nan")


async def run_class(server: AppServer, memory: MemorySampler, n: int, think: float, args) -> dict:
    """One class of ``n`` students thinking ``think`` s between actions for ``args.seconds``; what it measured."""
    marks = {"idle": memory.sample()}
    seconds, browsers = args.seconds, n if args.browsers is None else min(args.browsers, n)
    async with chromium(nice=args.browser_nice) as browser, contextlib.AsyncExitStack() as stack:
        students, loads = await open_class(browser, server.url, n, stack, browsers=browsers)
        marks["loaded"] = memory.sample()
        processes = sum(command_name(pid) == "chromium" for pid in descendants(os.getpid()))
        cpu_before, browser_before, pressure_before = cpu_seconds(server.pid), browser_cpu_seconds(), cpu_pressure_s()
        machine_before, own_before = machine_cpu_seconds(), own_cpu_seconds()
        runs_before = {kind: len(runs) for kind, runs in read_run_log(server.run_log).items()}
        started = time.monotonic()
        deadline = started + seconds
        shots = asyncio.create_task(screenshots(students[:browsers], n, seconds / 2))
        clicking = (student_loop(s, i, deadline, think, seed=1000 * n + i) for i, s in enumerate(students))
        await asyncio.gather(*clicking)
        await shots
        elapsed = time.monotonic() - started
        marks["end"] = memory.sample()
        cpu = cpu_seconds(server.pid) - cpu_before
        browser_cpu, pressure = browser_cpu_seconds() - browser_before, cpu_pressure_s() - pressure_before
        others = machine_cpu_seconds() - machine_before - (own_cpu_seconds() - own_before) - cpu - browser_cpu
        runs = {kind: runs[runs_before[kind] :] for kind, runs in read_run_log(server.run_log).items()}
        stats, light = Stats(), Stats()
        for student in students:
            await student.check_page()
            (light if isinstance(student, LightStudent) else stats).merge(student.stats)
    await asyncio.sleep(SETTLE_AFTER_CLOSE_S)
    marks["after close"] = memory.sample()
    return {"n": n, "think": think, "browsers": browsers, "processes": processes, "loads": loads, "stats": stats,
            "light": light, "marks": marks, "elapsed": elapsed, "cpu": cpu, "browser_cpu": browser_cpu,
            "others": others, "pressure": pressure, "runs": runs}  # fmt: skip


async def screenshots(students, n: int, after_s: float) -> None:
    await asyncio.sleep(after_s)
    for student in {id(s): s for s in students[:1] + students[-1:]}.values():
        with contextlib.suppress(Exception):  # a student mid-navigation has no page to shoot: not an error
            await student.screenshot(OUT / f"classroom-N{n}-{student.name}.png")


def summarise(result: dict, memory: MemorySampler, load: tuple[float, float]) -> dict:
    stats, marks, elapsed = result["stats"], result["marks"], result["elapsed"]
    light = result["light"]
    everyone = Stats()
    everyone.merge(stats)
    everyone.merge(light)
    latencies = stats.latencies
    rerenders = [x for kind in RERENDERS for x in latencies.get(kind, [])]
    round_trips = [x for kind in RERENDERS for x in light.latencies.get(kind, [])]
    fragment_walls = [wall for wall, _ in result["runs"]["fragment"]]
    full_walls = [wall for wall, _ in result["runs"]["full"]]
    run_cpu = [cpu for runs in result["runs"].values() for _, cpu in runs]
    actions = sum(len(everyone.latencies.get(kind, [])) for kind in (*RERENDERS, "navigate"))
    runs = len(fragment_walls) + len(full_walls)
    return {
        "sessions": result["n"],
        "think_s": result["think"],
        "browsers": result["browsers"],
        "chromium_processes": result["processes"],
        "actions": actions,
        "actions_per_s": actions / elapsed,
        "rerender_p50_s": percentile(rerenders, 50),
        "rerender_p95_s": percentile(rerenders, 95),
        "step_p95_s": percentile(latencies.get("step", []), 95),
        "knob_p95_s": percentile(latencies.get("knob", []), 95),
        "round_trip_p50_s": percentile(round_trips, 50),
        "round_trip_p95_s": percentile(round_trips, 95),
        "server_step_p50_s": percentile(fragment_walls, 50),
        "server_step_p95_s": percentile(fragment_walls, 95),
        "server_full_p50_s": percentile(full_walls, 50),
        "server_full_p95_s": percentile(full_walls, 95),
        "server_runs": runs,
        "navigate_p50_s": percentile(everyone.latencies.get("navigate", []), 50),
        "navigate_p95_s": percentile(everyone.latencies.get("navigate", []), 95),
        "first_load_max_s": max(result["loads"]),
        "errors": len(everyone.errors),
        "console_errors": everyone.count("console") + everyone.count("pageerror"),
        "exceptions": everyone.count("exception"),
        "timeouts": everyone.count("timeout"),
        "rss_idle_mb": marks["idle"] / 2**20,
        "rss_loaded_mb": marks["loaded"] / 2**20,
        "rss_peak_mb": memory.peak_mb,
        "rss_end_mb": marks["end"] / 2**20,
        "rss_after_close_mb": marks["after close"] / 2**20,
        "server_cpu_share": result["cpu"] / elapsed,  # 1.0 = one core busy for the whole run
        "browser_cpu_share": result["browser_cpu"] / elapsed,
        "cpu_pressure": result["pressure"] / elapsed,  # share of the time some task waited for a CPU
        "server_cpu_per_run_ms": 1000 * result["cpu"] / max(1, runs),  # the whole process, per script run
        "script_cpu_per_run_ms": 1000 * sum(run_cpu) / max(1, len(run_cpu)),  # the script thread's own CPU
        "others_cpu_share": result["others"] / elapsed,  # everything else on the machine (other people's jobs)
        "load_average_before": load[0],
        "load_average_after": load[1],
        "error_samples": everyone.errors[:10],
        "rss_series_mb": rss_series(memory),
    }


def rss_series(memory: MemorySampler, every_s: float = 2.0) -> list[tuple[float, float]]:
    """(seconds since the server started, RSS MB) about every ``every_s``: the shape of the memory curve."""
    start, series, last = memory.samples[0][0], [], -every_s
    for when, rss in memory.samples:
        if when - start - last >= every_s:
            last = when - start
            series.append((round(last, 1), round(rss / 2**20, 1)))
    return series


def _pair(row: dict, name: str) -> str:
    return f"{row[name + '_p50_s']:.2f}/{row[name + '_p95_s']:.2f}"


COLUMNS = (  # (heading, width, row → text)
    ("N", 3, lambda r: str(r["sessions"])),
    ("think", 5, lambda r: f"{r['think_s']:g}"),
    ("pages/procs", 11, lambda r: f"{r['browsers']}/{r['chromium_processes']}"),
    ("actions", 7, lambda r: str(r["actions"])),
    ("/s", 4, lambda r: f"{r['actions_per_s']:.1f}"),
    ("re-render", 11, lambda r: _pair(r, "rerender")),
    ("round trip", 11, lambda r: _pair(r, "round_trip")),
    ("srv step", 11, lambda r: _pair(r, "server_step")),
    ("srv full", 11, lambda r: _pair(r, "server_full")),
    ("open page", 11, lambda r: _pair(r, "navigate")),
    ("errors", 6, lambda r: str(r["errors"])),
    ("con/exc/t-o", 11, lambda r: f"{r['console_errors']}/{r['exceptions']}/{r['timeouts']}"),
    ("RSS idle→loaded→peak→end→left", 31, lambda r: "→".join(
        f"{r[k]:.0f}" for k in ("rss_idle_mb", "rss_loaded_mb", "rss_peak_mb", "rss_end_mb", "rss_after_close_mb"))),
    ("srv CPU", 7, lambda r: f"{r['server_cpu_share']:.0%}"),
    ("ms/run", 6, lambda r: f"{r['server_cpu_per_run_ms']:.0f}"),
    ("script", 6, lambda r: f"{r['script_cpu_per_run_ms']:.0f}"),
    ("browsers", 8, lambda r: f"{r['browser_cpu_share']:.0%}"),
    ("others", 6, lambda r: f"{r['others_cpu_share']:.0%}"),
    ("CPU wait", 8, lambda r: f"{r['cpu_pressure']:.0%}"),
    ("load", 11, lambda r: f"{r['load_average_before']:.1f}→{r['load_average_after']:.1f}"),
)  # fmt: skip


def print_table(rows: list[dict], seconds: float, nice: tuple[int, int], options: dict) -> None:
    thinks = ", ".join(f"{t:g}" for t in dict.fromkeys(r["think_s"] for r in rows))
    extra = f"; server options {options}" if options else ""
    print(f"\nClassroom load: {seconds:g} s per class, think time {thinks} s (±50 %) between a student's actions,"
          f" server at nice {nice[0]}, browsers at nice {nice[1]}, one machine for all{extra}")  # fmt: skip
    print("latency in s (p50/p95): re-render as a student's page shows it; round trip: request → run over, for the")
    print("students without a page; srv step / srv full: the server's own run time of a step / a whole script run")
    print("pages/procs: Chromium pages (students) / Chromium processes; memory = server RSS in MB")
    print("CPU: 100 % = one core busy: the server; its CPU per script run (ms/run: the whole process, script: the")
    print("script thread only); all browsers; others: everything else on the machine (other people's jobs);")
    print("CPU wait = share of the time some task waited for a core (PSI); load = 1-min load average before → after")
    header = " ".join(f"{title:>{width}}" for title, width, _ in COLUMNS)
    print(header)
    print("-" * len(header))
    for row in rows:
        print(" ".join(f"{cell(row):>{width}}" for _, width, cell in COLUMNS))
    for row in rows:
        for sample in row["error_samples"]:
            print(f"  N={row['sessions']}: {sample}")
    for target in (r for r in rows if r["sessions"] == TARGET_SESSIONS):
        p95s = {
            "re-render": target["rerender_p95_s"],
            "round trip": target["round_trip_p95_s"],
            "server run": max(target["server_step_p95_s"], target["server_full_p95_s"]),
        }
        verdicts = [f"zero errors: {'yes' if target['errors'] == 0 else 'NO'}"] + [
            f"p95 {name} < {P95_TARGET_S:g} s: {'yes' if value < P95_TARGET_S else 'NO'} ({value:.2f})"
            for name, value in p95s.items()
            if value == value  # NaN: no student of that kind in this run
        ]
        print(f"\nN = {TARGET_SESSIONS}, think {target['think_s']:g} s: " + "; ".join(verdicts))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", default="10,20,30", help="class sizes to run, comma-separated")
    parser.add_argument("--seconds", type=float, default=SECONDS, help=f"how long each class clicks ({SECONDS})")
    think_help = f"seconds a student looks between actions ({THINK_S:g}); a list sweeps them: 5,10,20"
    parser.add_argument("--think", default=f"{THINK_S:g}", help=think_help)
    parser.add_argument("--browser-nice", type=int, default=BROWSER_NICE, choices=range(20), metavar="0-19",
                        help=f"CPU niceness of the students' browsers ({BROWSER_NICE})")  # fmt: skip
    parser.add_argument("--server-nice", type=int, default=SERVER_NICE, choices=range(-20, 20), metavar="-20-19",
                        help=f"CPU niceness of the server ({SERVER_NICE}; below 0 needs root)")  # fmt: skip
    parser.add_argument("--browsers", type=int, default=None, help=BROWSERS_HELP)
    parser.add_argument("--server-option", action="append", default=[], metavar="NAME=VALUE",
                        help="a Streamlit config option, e.g. runner.postScriptGC=true (repeatable)")  # fmt: skip
    args = parser.parse_args()
    sizes = [int(n) for n in args.sessions.split(",") if n.strip()]
    thinks = [float(t) for t in args.think.split(",") if t.strip()]
    if not sizes or min(sizes) < 1 or max(sizes) > 100 or not 1 <= args.seconds <= 600 or not thinks or min(thinks) < 0:
        parser.error("--sessions takes 1–100 students, --seconds 1–600, --think ≥ 0")
    if any("=" not in item for item in args.server_option):
        parser.error("--server-option takes NAME=VALUE")
    options = dict(item.split("=", 1) for item in args.server_option)
    if chromium_path() is None:
        print("no Chromium found (apt-get install chromium, or set BROWSER_PATH)", file=sys.stderr)
        return 3
    OUT.mkdir(parents=True, exist_ok=True)
    rows = []
    for think in thinks:
        for n in sizes:
            load_before = os.getloadavg()[0]
            logs = {"log_path": OUT / f"classroom-N{n}-server.log", "run_log": OUT / f"classroom-N{n}-runs.log"}
            server = AppServer(ROOT, **logs, options=options, nice=args.server_nice)
            with server, MemorySampler(server.pid) as mem:
                result = asyncio.run(run_class(server, mem, n, think, args))
            rows.append(summarise(result, mem, (load_before, os.getloadavg()[0])))
            print(f"N = {n}, think {think:g} s: done ({rows[-1]['actions']} actions, {rows[-1]['errors']} errors, "
                  f"load average {os.getloadavg()[0]:.1f})", flush=True)  # fmt: skip
    print_table(rows, args.seconds, (args.server_nice, args.browser_nice), options)
    summary = {"think_s": thinks, "seconds": args.seconds, "nice": {"server": args.server_nice,
               "browsers": args.browser_nice}, "rows": rows}  # fmt: skip
    (OUT / "classroom.json").write_text(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
