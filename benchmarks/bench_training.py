"""Training throughput of the LSTM: lstm_viz against the same training in PyTorch CPU.

Prints sequences per second for LSTM training at T = 50, H = 32, B = 32 (adding problem, linear head
on h_T, MSE, Adam lr 1e-2, clipping at 1.0, a fresh batch per step) for lstm_viz (float64, float32)
and, when torch is installed, ``nn.LSTM`` + ``nn.Linear`` + ``optim.Adam`` (float32/float64, 1 and
the default number of threads); then the ratio to the fastest PyTorch row (target ≥ 2×) and where
one of our steps spends its time. Contenders run interleaved, median of rounds; figures, never a test.

    python benchmarks/bench_training.py [--rounds N] [--steps N]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lstm_viz.experiments import speed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--steps", type=int, default=40, help="training steps per round and contender")
    args = parser.parse_args()
    print(f"LSTM training, T={speed.SHAPE['length']} H={speed.SHAPE['hidden_size']} B={speed.SHAPE['batch_size']}")
    results = speed.compare(rounds=args.rounds, steps=args.steps, log=lambda line: print("  " + line, flush=True))
    print(f"\n{'contender':<32}{'ms/step':>10}{'sequences/s':>14}")
    for r in results:
        print(f"{r.contender:<32}{1e3 * r.seconds_per_step:>10.2f}{r.sequences_per_second:>14,.0f}")
    torch_rows = [r for r in results if r.contender.startswith("PyTorch")]
    if torch_rows:
        fastest = min(torch_rows, key=lambda r: r.seconds_per_step)
        print(f"\nratio to the fastest PyTorch row ({fastest.contender}); target >= 2.00x:")
        for r in results:
            if not r.contender.startswith("PyTorch"):
                print(f"  {r.contender:<30}{r.sequences_per_second / fastest.sequences_per_second:>6.2f}x")
    else:
        print("\ntorch is not installed: no reference (pip install -r requirements-dev.txt)")
    parts = speed.breakdown()
    whole = parts.pop(speed.WHOLE_STEP)
    total = sum(parts.values())
    core = sum(parts[name] for name in speed.CORE_PARTS)
    print("\nwhere one lstm_viz float64 step goes (median of each part):")
    for name, ms in parts.items():
        print(f"  {name:<34}{ms:>8.2f} ms  {ms / total:>6.1%}")
    print(f"  {'sum':<34}{total:>8.2f} ms   (the whole loop on its own: {whole:.2f} ms per step)")
    print(f"core kernels {core / total:.1%}, everything around them {(total - core) / total:.1%}")


if __name__ == "__main__":
    main()
