"""Time to build a lecture pack of the default scenario (all figures as SVG, PNG, PDF, HTML; the GIF and the
self-playing page; the data; the README), cold (the browser starts) and warm (the same browser again).

Prints the browser start, the cold pack, every warm pack and where a warm pack's time goes (the progress
steps), for one and for two browser tabs. The target: a warm pack in under 10 s on 2 cores. Also the
cost of one figure through ``fig.write_image`` (a browser per file), the way this export does not work.

    python benchmarks/bench_export.py [--repeats N] [--tabs 1,2]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lstm_viz.export import StaticRenderer, lecture_pack_files, static_export_available  # noqa: E402
from lstm_viz.export.pack import PackOptions  # noqa: E402
from lstm_viz.lesson import build_lesson  # noqa: E402
from lstm_viz.scenario import Scenario  # noqa: E402

TARGET_WARM_S = 10.0


class StepClock:
    """A progress callback that records when each step finished."""

    def __init__(self):
        self.start = time.perf_counter()
        self.marks: list[tuple[str, float]] = []

    def __call__(self, done: int, total: int, label: str) -> None:
        self.marks.append((label, time.perf_counter() - self.start))

    def phases(self) -> dict[str, float]:
        """Seconds per kind of step (all figures together, the GIF, ...)."""
        out, last = {}, 0.0
        for label, at in self.marks:
            kind = "figures: SVG+PNG+PDF+HTML" if label.startswith("figure ") else label
            out[kind] = out.get(kind, 0.0) + at - last
            last = at
        return out


def tree_cpu_seconds() -> dict[str, float]:
    """CPU time (user + system) of this process and every live descendant, by kind ("python", "renderer",
    "gpu", "browser"): the work a pack costs whatever else the machine is doing (Linux /proc; {} elsewhere)."""
    stats = {}
    for entry in Path("/proc").iterdir() if Path("/proc/self/stat").exists() else ():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                command = (entry / "cmdline").read_bytes().decode(errors="replace")
            except OSError:
                continue
            stats[int(entry.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]), command)  # ppid, ticks
    family, grew = {os.getpid()}, True
    while grew:
        grew = False
        for pid, (ppid, _, _) in stats.items():
            if ppid in family and pid not in family:
                family.add(pid)
                grew = True
    out: dict[str, float] = {}
    for pid in family & stats.keys():
        _, ticks, command = stats[pid]
        kind = "python" if pid == os.getpid() else next(
            (k for k, flag in (("renderer", "--type=renderer"), ("gpu", "--type=gpu-process")) if flag in command),
            "browser")  # fmt: skip
        out[kind] = out.get(kind, 0.0) + ticks / os.sysconf("SC_CLK_TCK")
    return out


def one_pack(scenario: Scenario, renderer: StaticRenderer) -> tuple[float, StepClock, int, int, float]:
    before = tree_cpu_seconds()
    clock = StepClock()
    files = lecture_pack_files(scenario, options=PackOptions(), renderer=renderer, progress=clock)
    seconds = time.perf_counter() - clock.start
    cpu = {kind: spent - before.get(kind, 0.0) for kind, spent in tree_cpu_seconds().items()}
    return seconds, clock, len(files), sum(len(b) for b in files.values()), cpu


def write_image_seconds(fig) -> float:
    """One PNG through plotly's own fig.write_image: a fresh browser for the file."""
    with tempfile.TemporaryDirectory() as folder, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = time.perf_counter()
        fig.write_image(Path(folder) / "figure.png", width=1280, height=720, scale=2)
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3, help="warm packs per tab count (default 3)")
    parser.add_argument("--tabs", default="1,2", help="browser tab counts to try (default 1,2)")
    args = parser.parse_args()
    available, reason = static_export_available()
    if not available:
        sys.exit(f"bench_export: {reason}")
    scenario = Scenario()
    build_lesson(scenario)  # numba's compile/cache load is the core's cost, not the export's
    print(f"lecture pack of the default scenario ({scenario.preset} preset, T = {scenario.length}); {reason}")
    for tabs in (int(t) for t in args.tabs.split(",")):
        renderer = StaticRenderer(tabs=tabs)
        start = time.perf_counter()
        renderer.start()
        started = time.perf_counter() - start
        cold, _, count, size, _ = one_pack(scenario, renderer)
        warm = [one_pack(scenario, renderer) for _ in range(args.repeats)]
        renderer.close()
        seconds = [w[0] for w in warm]
        best = min(warm, key=lambda w: w[0])
        print(f"\n{tabs} tab(s), {count} files, {size / 1e6:.1f} MB per pack")
        print(f"  browser start {started:.2f} s; cold pack {cold:.2f} s (with the start {cold + started:.2f} s)")
        warm_text = ", ".join(f"{s:.2f}" for s in seconds)
        median = statistics.median(seconds)
        print(f"  warm packs {warm_text} s: median {median:.2f} s (target < {TARGET_WARM_S:g} s)")
        cpu = {kind: statistics.median(w[4].get(kind, 0.0) for w in warm) for kind in warm[0][4]}
        total = sum(cpu.values())
        parts = ", ".join(f"{kind} {spent:.2f}" for kind, spent in sorted(cpu.items()))
        print(f"  CPU time per warm pack (median): {total:.2f} s = {parts} s: the work itself, whatever the load;")
        print(f"  on {os.cpu_count()} idle cores that is at least {total / (os.cpu_count() or 1):.2f} s of wall time")
        print("  where the fastest warm pack's time went:")
        for phase, spent in best[1].phases().items():
            print(f"    {phase:<28s} {spent:6.2f} s")
    print(f"\nload average while measuring: {', '.join(f'{v:.1f}' for v in os.getloadavg())} on {os.cpu_count()} cores")
    from lstm_viz.export import lesson_figures

    figure = lesson_figures(build_lesson(scenario), scenario)["cell-diagram"]
    print(f"\nfor comparison, one PNG via fig.write_image (a browser per file): {write_image_seconds(figure):.2f} s")


if __name__ == "__main__":
    main()
