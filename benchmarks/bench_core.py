"""Speed of the core engine: forward + backward of one sequence, against references.

Prints, for each (T, H, D), milliseconds per forward+backward with our numba kernels, the
plain-numpy reference from ``tests/reference_lstm.py``, and PyTorch CPU ``nn.LSTM`` with autograd
(float32 and float64) when torch is installed; contenders run interleaved in a rotating order, median of repeats.
Then the numba compile time of a cold start and ``import lstm_viz`` + first call with a warm cache.

    python benchmarks/bench_core.py [--repeats N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import reference_lstm  # noqa: E402

from lstm_viz.core import LSTMParams, lstm_backward, lstm_forward  # noqa: E402

SHAPES = [(50, 8, 1), (200, 32, 4), (1000, 32, 4), (1000, 128, 32)]
FIRST_CALL = (
    "import time; t0 = time.perf_counter(); import numpy as np; import lstm_viz; "
    "p = lstm_viz.LSTMParams.init(2, 4); x = np.ones((5, 2)); tr = lstm_viz.lstm_forward(p, x); "
    "lstm_viz.lstm_backward(p, x, tr, np.ones((5, 4))); lstm_viz.gradient_flow(p, x); "
    "lstm_viz.gradient_flow(lstm_viz.RNNParams.init(2, 4), x); print(time.perf_counter() - t0)"
)


def ours(params, x, dh):
    trace = lstm_forward(params, x)
    return lstm_backward(params, x, trace, dh)


def numpy_reference(params, x, dh):
    weights = params.arrays()
    fwd = reference_lstm.lstm_forward(weights, x)
    return reference_lstm.lstm_backward(weights, x, fwd, dh)


def torch_contender(params, x, dh, dtype_name):
    import torch

    dtype = getattr(torch, dtype_name)
    torch.set_num_threads(os.cpu_count() or 1)
    module = torch.nn.LSTM(params.input_size, params.hidden_size).to(dtype)
    module.load_state_dict(params.astype(np.float64).to_torch_state_dict())
    module = module.to(dtype)
    xt = torch.tensor(x[:, None, :], dtype=dtype)
    dht = torch.tensor(dh[:, None, :], dtype=dtype)

    def run():
        xt.requires_grad_(True)
        out, _ = module(xt)
        (out * dht).sum().backward()
        module.zero_grad(set_to_none=True)
        xt.grad = None

    return run


def time_ms(fn, repeats):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e3)
    return times


def bench_shapes(repeats: int):
    try:
        import torch  # noqa: F401

        has_torch = True
    except ImportError:
        has_torch = False
        print("torch is not installed: PyTorch columns skipped")
    header = f"{'T':>5} {'H':>4} {'D':>3} | {'ours ms':>9} | {'numpy ms':>9} {'x':>6} |"
    if has_torch:
        header += f" {'torch32 ms':>10} {'x':>6} | {'torch64 ms':>10} {'x':>6} || {'ours32 ms':>9} {'t32/o32':>7}"
    print(header)
    print("-" * len(header))
    for steps, hidden, inputs in SHAPES:
        rng = np.random.default_rng(0)
        params = LSTMParams.init(inputs, hidden, seed=0)
        x = rng.normal(size=(steps, inputs))
        dh = rng.normal(size=(steps, hidden))
        contenders = {"ours": partial(ours, params, x, dh)}
        if has_torch:  # like for like: our float32 path against PyTorch's float32
            contenders["ours32"] = partial(ours, params.astype(np.float32), x.astype(np.float32), dh.astype(np.float32))
        # The numpy reference is slow at the big shapes: fewer repeats keep the run short.
        ref_repeats = max(1, repeats // (5 if steps * hidden >= 32_000 else 1))
        contenders["numpy"] = partial(numpy_reference, params, x, dh)
        if has_torch:
            contenders["torch32"] = torch_contender(params, x, dh, "float32")
            contenders["torch64"] = torch_contender(params, x, dh, "float64")
        for fn in contenders.values():
            fn()  # warm up (JIT, allocator, torch's first-call costs)
        samples = {name: [] for name in contenders}
        order = list(contenders.items())
        for round_ in range(repeats):  # interleaved, so machine noise hits every contender alike
            # ... and in a rotating order: whoever runs right after torch (its OpenMP threads still
            # spinning) measured 1.5-2x slower, so a fixed order handicapped one contender every round
            shift = round_ % len(order)
            for name, fn in order[shift:] + order[:shift]:
                if name == "numpy" and round_ >= ref_repeats:
                    continue
                samples[name] += time_ms(fn, 1)
        med = {name: statistics.median(v) for name, v in samples.items()}
        row = f"{steps:>5} {hidden:>4} {inputs:>3} | {med['ours']:>9.3f} |"
        row += f" {med['numpy']:>9.2f} {med['numpy'] / med['ours']:>5.1f}x |"
        if has_torch:
            row += f" {med['torch32']:>10.3f} {med['torch32'] / med['ours']:>5.1f}x |"
            row += f" {med['torch64']:>10.3f} {med['torch64'] / med['ours']:>5.1f}x ||"
            row += f" {med['ours32']:>9.3f} {med['torch32'] / med['ours32']:>6.1f}x"
        print(row)
    print("x = contender time / ours, float64 (higher is better for us); t32/o32 = torch float32 / ours float32")


def first_call_seconds(cache_dir: str) -> float:
    env = {**os.environ, "NUMBA_CACHE_DIR": cache_dir}
    command = [sys.executable, "-c", FIRST_CALL]
    out = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def bench_startup():
    with tempfile.TemporaryDirectory() as cache_dir:
        cold = first_call_seconds(cache_dir)
        warm = statistics.median(first_call_seconds(cache_dir) for _ in range(3))
    print(f"cold start (empty numba cache: compile every kernel) : {cold:6.2f} s")
    print(f"warm start (import lstm_viz + first calls, cached)   : {warm:6.2f} s  (target < 1.5 s)")


def load_average() -> str:
    """The 1/5/15-minute load averages: timings on a shared 2-core machine mean little without them."""
    return " / ".join(f"{v:.2f}" for v in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    print(f"load average before: {load_average()}")
    bench_shapes(args.repeats)
    bench_startup()
    print(f"load average after : {load_average()}")


if __name__ == "__main__":
    main()
