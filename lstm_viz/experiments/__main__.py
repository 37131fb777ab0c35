"""``python -m lstm_viz.experiments [results|render|pretrain]``: thin command line over the experiment modules."""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lstm_viz.experiments", description=__doc__)
    sub = parser.add_subparsers(dest="command")
    results = sub.add_parser("results", help="measure and write docs/RESULTS.md (the default command)")
    results.add_argument("--budget", type=float, default=None, help="wall-clock seconds per training run (60)")
    results.add_argument("--seed", type=int, default=0, help="adding: the seed; recall: the first of 3 seeds")
    results.add_argument("--quick", action="store_true", help="a smoke run: 5 s budgets, T = 50 only")
    results.add_argument("--out", type=Path, default=ROOT / "docs" / "RESULTS.md")
    render = sub.add_parser("render", help="rewrite docs/RESULTS.md from the measurements in docs/RESULTS.json")
    render.add_argument("--out", type=Path, default=ROOT / "docs" / "RESULTS.md")
    pretrain = sub.add_parser("pretrain", help="regenerate assets/pretrained/ from the recipes")
    pretrain.add_argument("--check", action="store_true", help="retrain and compare with the shipped arrays")
    pretrain.add_argument("--tasks", nargs="*", default=None, help="only these tasks")
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in ("results", "render", "pretrain", "-h", "--help"):
        argv.insert(0, "results")  # the default command
    args = parser.parse_args(argv)
    if args.command == "render":
        return run_render(args)
    return run_pretrain(args) if args.command == "pretrain" else run_results(args)


def run_pretrain(args) -> int:
    from .pretrain import check, pretrain

    if args.check:
        return 0 if check(tasks=args.tasks) else 1
    pretrain(tasks=args.tasks)
    return 0


def run_results(args) -> int:
    from . import gradient_check, long_lag, report, speed

    budget = args.budget or (5.0 if args.quick else long_lag.TIME_BUDGET_S)
    lengths = (50,) if args.quick else long_lag.ADDING_LENGTHS
    lags = (50,) if args.quick else long_lag.RECALL_LAGS
    print("compiling kernels ...", flush=True)
    long_lag.warm_up()
    adding = []
    for length in lengths:
        for model in ("lstm", "rnn"):
            adding.append(_logged(long_lag.adding(model, length, args.seed, budget)))
    seeds = (args.seed,) if args.quick else tuple(args.seed + s for s in long_lag.RECALL_SEEDS)
    rates = [  # the learning-rate round at lag 50: every lr tried on every seed
        _logged(long_lag.recall(model, 50, seed, budget, lr=lr))
        for model, tried in long_lag.LEARNING_RATES_TRIED.items()
        for lr in ((long_lag.LEARNING_RATE,) if args.quick else tried)
        for seed in seeds
    ]
    chosen = {model: long_lag.best_learning_rate([m for m in rates if m.model == model]) for model in ("lstm", "rnn")}
    print(f"recall learning rates: {chosen}", flush=True)
    recall = [m for m in rates if m.lr == chosen[m.model]]  # lag 50 at the chosen rates: already measured
    settings = [(lag, {}) for lag in lags if lag != 50] + [(50, long_lag.RECALL_SEPARATE)]
    for lag, options in settings:
        for model in ("lstm", "rnn"):
            for seed in seeds:
                recall.append(_logged(long_lag.recall(model, lag, seed, budget, lr=chosen[model], **options)))
    ablation = [] if args.quick else [
        _logged(long_lag.recall("lstm", max(lags), args.seed, budget, chosen["lstm"], forget, input_bias))
        for forget, input_bias in long_lag.INIT_ABLATION
    ]  # fmt: skip
    print("measuring the cell gradient's reach ...", flush=True)
    carry = gradient_check.cell_gradient_reach()
    print("measuring training speed ...", flush=True)
    rounds = 1 if args.quick else 5
    throughput = speed.compare(rounds=rounds, steps=10 if args.quick else 40)
    parts = speed.breakdown(repeats=5 if args.quick else 30)
    raw = {"budget_s": budget, "quick": args.quick, "measured_at": report.now(), "adding": adding, "recall": recall,
           "recall_learning_rates": rates, "lstm_init_ablation": ablation, "cell_gradient_reach": carry,
           "speed": throughput, "step_breakdown_ms": parts}  # fmt: skip
    args.out.with_suffix(".json").write_text(json.dumps(_plain(raw), indent=2) + "\n", encoding="utf-8")
    return _write_report(raw, args.out)


def run_render(args) -> int:
    """Rewrite the report from the stored measurements (after a change to its prose): nothing is re-measured."""
    from .gradient_check import CellGradientReach
    from .long_lag import TIME_BUDGET_S, Measurement
    from .speed import Throughput

    source = args.out.with_suffix(".json")
    raw = json.loads(source.read_text(encoding="utf-8"))
    raw.setdefault("budget_s", TIME_BUDGET_S)  # written before these were stored: the defaults of a full run
    raw.setdefault("quick", False)
    stamp = datetime.fromtimestamp(source.stat().st_mtime, timezone.utc)
    raw.setdefault("measured_at", f"{stamp:%Y-%m-%d %H:%M} UTC")
    for key, kind in (("adding", Measurement), ("recall", Measurement), ("recall_learning_rates", Measurement),
                      ("lstm_init_ablation", Measurement), ("cell_gradient_reach", CellGradientReach),
                      ("speed", Throughput)):  # fmt: skip
        raw[key] = [kind(**row) for row in raw.get(key, [])]
    return _write_report(raw, args.out)


def _write_report(raw: dict, out: Path) -> int:
    from . import report

    args = (raw["adding"], raw["recall"], raw["speed"], raw["step_breakdown_ms"], raw["budget_s"], raw["quick"])
    text = report.render(*args, raw["recall_learning_rates"], raw["lstm_init_ablation"], raw["cell_gradient_reach"],
                         measured_at=raw["measured_at"])  # fmt: skip
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    budget = raw["budget_s"]
    checks = report.verdicts(raw["adding"], raw["recall"], budget)
    for claim, ok in checks:
        print(f"{'met    ' if ok else 'NOT MET'}  {claim}")
    print(f"wrote {os.path.relpath(out)} and {os.path.relpath(out.with_suffix('.json'))}")
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
    score += f" lr {m.lr:g}"
    print(
        f"{m.experiment:<7} T={m.length:<4} {m.model:<5} seed={m.seed} steps={m.steps:<6} {m.wall_time:6.1f} s  "
        f"stopped by {m.stopped:<7} test {score}",
        flush=True,
    )
    return m


if __name__ == "__main__":
    raise SystemExit(main())
