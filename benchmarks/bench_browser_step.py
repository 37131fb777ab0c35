"""What one step costs the browser: Chromium's CPU time per step-slider move, per view, in ONE headless page.

The classroom's bottleneck is the students' browsers, not the server: this measures the browser's share of a
step precisely, without loading the machine. For each view one page opens the lesson at ``?view=<view>``, moves
the step slider a few times to warm up, then ``--steps`` times presses → and waits until every step chart says
the new t, the script run is over and the page has been quiet for ``QUIET_S``. Per step it reads:

  * CPU: utime + stime of every Chromium process (renderer, GPU/compositor, browser) from /proc. The total per
    step is all of it from the first measured step until SETTLE_S after the last, divided by the steps, so a
    step slower than its quiet window (a loaded machine) is still counted in full; by process type, the
    median step's window. A page at rest costs a little too: the median of IDLE_WINDOWS quiet windows with no
    key press is subtracted;
  * the renderer's main-thread split from CDP ``Performance.getMetrics``: script, layout, style recalculation;
  * with ``--profile``, a CDP CPU profile of the steps: JS self time by script (plotly.js, Streamlit's bundle,
    KaTeX ...) and its top functions.

    python benchmarks/bench_browser_step.py [--views cell,belt,heatmaps,equations] [--lesson QUERY] [--steps 8]

On a shared machine the load moves between runs: ``--against DIR`` measures another checkout (say the main
branch's, copied to /tmp) in the same browser, view by view in turn with this one, ``--rounds`` times, and
ends with the median of each. The page's own "running" cues cost CPU while it waits for the server: ``--nice -10``
puts the servers ahead of the machine's other load, so a slow server does not count as a costly step.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from classroom_driver import _IDLE_JS, STEP_SLIDER, AppServer, Student, chromium, command_name, descendants  # noqa: E402

STEP_VIEWS = ("cell", "belt", "heatmaps", "equations")
QUIET_S = 0.6  # after the step is shown: late work (Plotly's relayout, React effects, paint) still counts
WARM_UP_STEPS = 2
IDLE_WINDOWS = 3
SETTLE_S = 2.0  # after the last step: a slow step's work that outlasts its quiet window is counted too
FIRST_STEP = 3
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
# Every view's step controls say "t = <t> of <T-1>"; the equations view has no chart to read the step from.
_STEP_SHOWN_JS = """(t) => (IDLE)() &&
  document.querySelector('[data-testid=stMain]').innerText.includes(`t = ${t} of`)""".replace("IDLE", _IDLE_JS)
METRICS = ("TaskDuration", "ScriptDuration", "LayoutDuration", "RecalcStyleDuration")


def chromium_cpu_s() -> dict[tuple[int, str], float]:
    """CPU seconds so far of every Chromium process under this one, by (pid, process type: renderer, gpu ...)."""
    totals: dict[tuple[int, str], float] = {}
    for pid in descendants(os.getpid()):
        if command_name(pid) != "chromium":
            continue
        try:
            with open(f"/proc/{pid}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{pid}/cmdline", "rb") as fh:
                args = fh.read().replace(b"\0", b" ").split()  # a child rewrites its argv as one string
        except OSError:
            continue
        kind = next((a[7:].decode() for a in args if a.startswith(b"--type=")), "browser")
        totals[pid, kind] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime
    return totals


def cpu_spent(after: dict, before: dict) -> dict[str, float]:
    """CPU seconds by process type between two ``chromium_cpu_s()``, of the processes alive at both: one that
    ended in between (a closed page's renderer, the last browser's leftovers) would take its whole past with it."""
    spent: dict[str, float] = collections.defaultdict(float)
    for (pid, kind), seconds in after.items():
        if (pid, kind) in before:
            spent[kind] += seconds - before[pid, kind]
    return spent


async def metrics(cdp) -> dict[str, float]:
    reply = await cdp.send("Performance.getMetrics")
    return {m["name"]: m["value"] for m in reply["metrics"] if m["name"] in METRICS}


def difference(after: dict, before: dict) -> dict[str, float]:
    return {k: after.get(k, 0.0) - before.get(k, 0.0) for k in after}


async def step_forward(student: Student) -> None:
    """Press → once on the step slider and wait until the page shows the next step with its script run over."""
    slider = student.page.locator(STEP_SLIDER)
    target = int(await slider.input_value()) + 1
    await slider.focus()
    await student.page.keyboard.press("ArrowRight")
    await student.page.wait_for_function(_STEP_SHOWN_JS, arg=target, timeout=20_000, polling=25)


async def measure(student: Student, cdp, action) -> tuple[dict, dict]:
    """CPU by process type and main-thread metrics of ``action()`` plus the quiet tail after it."""
    cpu, main = chromium_cpu_s(), await metrics(cdp)
    await action()
    await asyncio.sleep(QUIET_S)
    return cpu_spent(chromium_cpu_s(), cpu), difference(await metrics(cdp), main)


def profile_summary(profile: dict, top: int = 12) -> list[str]:
    """JS self time of a CDP CPU profile, by script and by (function, script)."""
    nodes = {node["id"]: node for node in profile["nodes"]}
    deltas = profile["timeDeltas"]
    self_us: dict[int, float] = collections.defaultdict(float)
    for sample, delta in zip(profile["samples"][1:], deltas[1:], strict=False):
        self_us[sample] += delta
    by_script: dict[str, float] = collections.defaultdict(float)
    by_function: dict[tuple[str, str], float] = collections.defaultdict(float)
    for node_id, us in self_us.items():
        frame = nodes[node_id]["callFrame"]
        script = frame["url"].rsplit("/", 1)[-1] or frame["functionName"] or "(native)"
        by_script[script] += us
        by_function[(frame["functionName"] or "(anonymous)", script)] += us
    lines = [f"    {us / 1e3:8.1f} ms  {script}" for script, us in sorted(by_script.items(), key=lambda i: -i[1])[:top]]
    lines.append("    top functions:")
    ranked = sorted(by_function.items(), key=lambda i: -i[1])[:top]
    lines += [f"    {us / 1e3:8.1f} ms  {name}  [{script}]" for (name, script), us in ranked]
    return lines


async def run_view(browser, url: str, view: str, lesson: str, steps: int, profile: bool) -> dict:
    async with Student(browser, url, view) as student:
        query = "&".join(part for part in (lesson, f"view={view}", f"t={FIRST_STEP}") if part)
        await student.page.goto(f"{url}/?{query}")
        await student.page.wait_for_function(_STEP_SHOWN_JS, arg=FIRST_STEP, timeout=120_000, polling=25)
        await asyncio.sleep(1.0)
        cdp = await student.context.new_cdp_session(student.page)
        await cdp.send("Performance.enable")
        for _ in range(WARM_UP_STEPS):
            await step_forward(student)
            await asyncio.sleep(QUIET_S)
        idle = [await measure(student, cdp, lambda: asyncio.sleep(0)) for _ in range(IDLE_WINDOWS)]
        idle_cpu = {k: statistics.median(cpu.get(k, 0.0) for cpu, _ in idle) for k in {k for c, _ in idle for k in c}}
        idle_main = {m: statistics.median(main.get(m, 0.0) for _, main in idle) for m in METRICS}
        if profile:
            await cdp.send("Profiler.enable")
            await cdp.send("Profiler.setSamplingInterval", {"interval": 200})
            await cdp.send("Profiler.start")
        rows, latencies = [], []
        first, began = chromium_cpu_s(), time.perf_counter()
        for _ in range(steps):
            started = time.perf_counter()
            cpu, main = await measure(student, cdp, lambda: step_forward(student))
            latencies.append(time.perf_counter() - started - QUIET_S)
            rows.append((cpu, main))
        await asyncio.sleep(SETTLE_S)
        idle_rate = sum(idle_cpu.values()) / QUIET_S
        spent = sum(cpu_spent(chromium_cpu_s(), first).values()) - idle_rate * (time.perf_counter() - began)
        summary = profile_summary((await cdp.send("Profiler.stop"))["profile"]) if profile else []
        errors = list(student.stats.errors)
    kinds = sorted({k for cpu, _ in rows for k in cpu} | set(idle_cpu))
    per_kind = {k: statistics.median(cpu.get(k, 0.0) for cpu, _ in rows) - idle_cpu.get(k, 0.0) for k in kinds}
    per_metric = {m: statistics.median(main.get(m, 0.0) for _, main in rows) - idle_main.get(m, 0.0) for m in METRICS}
    total = spent / steps
    return {"view": view, "total": total, "kinds": per_kind, "main": per_metric, "latency": latencies,
            "profile": summary, "errors": errors}  # fmt: skip


def report(result: dict) -> None:
    kinds = "  ".join(f"{k} {v:.3f}" for k, v in result["kinds"].items())
    main = "  ".join(f"{m.replace('Duration', '')} {v:.3f}" for m, v in result["main"].items())
    print(f"{result['view']:<10} CPU/step {result['total']:.3f} s  ({kinds})")
    print(f"{'':<10} main thread: {main}  latency p50 {statistics.median(result['latency']):.2f} s")
    for line in result["profile"]:
        print(line)
    for error in result["errors"]:
        print(f"{'':<10} ERROR {error}")


async def main(args) -> None:
    roots = {"this": ROOT} | ({"against": Path(args.against).resolve()} if args.against else {})
    totals: dict[tuple[str, str], list[float]] = collections.defaultdict(list)
    with contextlib.ExitStack() as stack:
        servers = {name: stack.enter_context(AppServer(root, nice=args.nice)) for name, root in roots.items()}
        for _ in range(args.rounds):
            for view in args.views.split(","):
                for name, server in servers.items():
                    async with chromium() as browser:  # its own: nothing left of the page measured before
                        result = await run_view(browser, server.url, view, args.lesson, args.steps, args.profile)
                        totals[view, name].append(result["total"])
                        print(f"[{name}: {roots[name]}]" if len(servers) > 1 else "", end="")
                        report(result)
    if len(servers) > 1 or args.rounds > 1:
        print("median CPU/step over rounds: " + "  ".join(f"{view} {name} {statistics.median(values):.3f} s"
                                                          for (view, name), values in totals.items()))  # fmt: skip


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--views", default=",".join(STEP_VIEWS))
    parser.add_argument("--lesson", default="", help="URL query of the lesson (default: the default lesson)")
    parser.add_argument("--steps", type=int, default=8)
    parser.add_argument("--profile", action="store_true", help="also a JS CPU profile of the measured steps")
    parser.add_argument("--against", help="another checkout of the app, measured in turn with this one")
    parser.add_argument("--rounds", type=int, default=1, help="measure every view this many times")
    parser.add_argument("--nice", type=int, default=0, help="the app servers' niceness (e.g. -10 on a loaded machine, "
                        "where a slow server makes the page animate its running state longer; needs root)")  # fmt: skip
    asyncio.run(main(parser.parse_args()))
