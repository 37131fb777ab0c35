"""``python -m lstm_viz.experiments [results|pretrain]``: thin command line over the experiment modules."""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lstm_viz.experiments", description=__doc__)
    sub = parser.add_subparsers(dest="command")
    results = sub.add_parser("results", help="measure and write docs/RESULTS.md (the default command)")
    results.add_argument("--budget", type=float, default=None, help="wall-clock seconds per training run (60)")
    results.add_argument("--seed", type=int, default=0, help="adding: the seed; recall: the first of 5 seeds")
    results.add_argument("--quick", action="store_true", help="a smoke run: 5 s budgets, T = 50 only")
    results.add_argument("--out", type=Path, default=ROOT / "docs" / "RESULTS.md")
    pretrain = sub.add_parser("pretrain", help="regenerate assets/pretrained/ from the recipes")
    pretrain.add_argument("--check", action="store_true", help="retrain and compare with the shipped arrays")
    pretrain.add_argument("--tasks", nargs="*", default=None, help="only these tasks")
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in ("results", "pretrain", "-h", "--help"):
        argv.insert(0, "results")  # the default command
    args = parser.parse_args(argv)
    return run_pretrain(args) if args.command == "pretrain" else run_results(args)


def run_pretrain(args) -> int:
    from .pretrain import check, pretrain

    if args.check:
        return 0 if check(tasks=args.tasks) else 1
    pretrain(tasks=args.tasks)
    return 0


def run_results(args) -> int:
    from . import long_lag, report, speed

    budget = args.budget or (5.0 if args.quick else long_lag.TIME_BUDGET_S)
    lengths = (50,) if args.quick else long_lag.ADDING_LENGTHS
    lags = (50,) if args.quick else long_lag.RECALL_LAGS
    print("compiling kernels ...", flush=True)
    long_lag.warm_up()
    adding, recall = [], []
    for length in lengths:
        for model in ("lstm", "rnn"):
            adding.append(_logged(long_lag.adding(model, length, args.seed, budget)))
    seeds = (args.seed,) if args.quick else tuple(args.seed + s for s in long_lag.RECALL_SEEDS)
    settings = [(lag, {}) for lag in lags] + [(50, long_lag.RECALL_HARDER)]
    for lag, options in settings:
        for model in ("lstm", "rnn"):
            for seed in seeds:
                recall.append(_logged(long_lag.recall(model, lag, seed, budget, **options)))
    print("measuring training speed ...", flush=True)
    rounds = 1 if args.quick else 5
    throughput = speed.compare(rounds=rounds, steps=10 if args.quick else 40)
    parts = speed.breakdown(repeats=5 if args.quick else 30)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report.render(adding, recall, throughput, parts, budget, args.quick), encoding="utf-8")
    raw = {"adding": adding, "recall": recall, "speed": throughput, "step_breakdown_ms": parts}
    args.out.with_suffix(".json").write_text(json.dumps(_plain(raw), indent=2) + "\n", encoding="utf-8")
    checks = report.verdicts(adding, recall, budget)
    for text, ok in checks:
        print(f"{'met    ' if ok else 'NOT MET'}  {text}")
    print(f"wrote {os.path.relpath(args.out)} and {os.path.relpath(args.out.with_suffix('.json'))}")
    return 0 if all(ok for _, ok in checks) else 1


def _plain(value):
    """Dataclasses and containers -> JSON-ready values."""
    if dataclasses.is_dataclass(value):
        return _plain(dataclasses.asdict(value))
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _logged(m):
    score = f"MSE {m.test_mse:.4f}" if m.test_mse is not None else f"accuracy {m.test_accuracy:.1%} {m.task_options}"
    print(
        f"{m.experiment:<7} T={m.length:<4} {m.model:<5} seed={m.seed} steps={m.steps:<6} {m.wall_time:6.1f} s  "
        f"stopped by {m.stopped:<7} test {score}",
        flush=True,
    )
    return m


if __name__ == "__main__":
    raise SystemExit(main())
