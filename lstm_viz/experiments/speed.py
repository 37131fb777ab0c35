"""Training throughput: sequences per second of our loop against the same training in PyTorch (CPU).

Same work on both sides: an LSTM (D = 2, H) with a linear head on h_T, the adding problem's MSE,
Adam (lr 1e-2), global-norm clipping at 1.0, a fresh batch of B sequences of T steps drawn from
the task every step. PyTorch is optional (a test/benchmark reference, never a runtime dependency).
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass

import numpy as np

from ..tasks import make_task
from ..training import MODELS, Adam, Progress, TimeMajorBatch, TrainConfig, batch_seed, global_norm, train
from ..training.objective import readout_loss
from ..training.optim import clip_factor
from ..training.train import initial_weights

SHAPE = {"length": 50, "hidden_size": 32, "batch_size": 32}  # T, H, B of the target


@dataclass(frozen=True)
class Throughput:
    contender: str
    seconds_per_step: float  # median over rounds
    batch_size: int

    @property
    def sequences_per_second(self) -> float:
        return self.batch_size / self.seconds_per_step


def ours(dtype: str = "float64", steps: int = 50, length=50, hidden_size=32, batch_size=32) -> float:
    """Seconds per training step of :func:`lstm_viz.training.train` (sampling included)."""
    config = TrainConfig(hidden_size=hidden_size, batch_size=batch_size, length=length, steps=steps, dtype=dtype)
    return train("adding", config).wall_time / steps


def torch_available() -> bool:
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


def pytorch(dtype: str = "float32", steps: int = 50, length=50, hidden_size=32, batch_size=32, threads=None) -> float:
    """Seconds per step of the same training written with ``torch.nn.LSTM`` + ``nn.Linear`` + ``optim.Adam``."""
    import torch

    if threads is not None:
        torch.set_num_threads(threads)
    torch.manual_seed(0)
    torch_dtype = getattr(torch, dtype)
    task = make_task("adding")
    lstm = torch.nn.LSTM(task.input_size, hidden_size, batch_first=True, dtype=torch_dtype)
    head = torch.nn.Linear(hidden_size, task.output_size, dtype=torch_dtype)
    weights = [*lstm.parameters(), *head.parameters()]
    optimiser = torch.optim.Adam(weights, lr=1e-2)
    start = time.perf_counter()
    for step in range(steps):
        batch = task.sample(batch_size, length, step)
        x = torch.from_numpy(batch.x.astype(dtype))
        y = torch.from_numpy(batch.y[:, -1].astype(dtype))
        out, _ = lstm(x)
        loss = ((head(out[:, -1]) - y) ** 2).mean()
        optimiser.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(weights, 1.0)
        optimiser.step()
    return (time.perf_counter() - start) / steps


def compare(rounds: int = 5, steps: int = 40, log=None) -> list[Throughput]:
    """Median seconds per step of each contender; contenders interleave round by round to share the noise."""
    contenders = {
        "lstm_viz float64": lambda: ours("float64", steps),
        "lstm_viz float32": lambda: ours("float32", steps),
    }
    if torch_available():
        import torch

        default_threads = torch.get_num_threads()
        for threads in sorted({1, default_threads}):
            for dtype in ("float32", "float64"):
                name = f"PyTorch {dtype}, {threads} thread{'s' if threads > 1 else ''}"
                contenders[name] = lambda d=dtype, n=threads: pytorch(d, steps, threads=n)
        torch.set_num_threads(default_threads)
    for run in contenders.values():  # compile / warm caches outside the timing
        run()
    times = {name: [] for name in contenders}
    for r in range(rounds):
        for name, run in contenders.items():
            times[name].append(run())
        if log:
            log(f"round {r + 1}/{rounds} done")
    return [Throughput(name, statistics.median(t), SHAPE["batch_size"]) for name, t in times.items()]


def breakdown(repeats: int = 30, length=50, hidden_size=32, batch_size=32, dtype="float64") -> dict[str, float]:
    """Median milliseconds of each part of one of our LSTM training steps, the parts of :func:`train`'s loop
    called the same way, plus "whole step in train()" (the loop itself, per step) to check they add up."""
    task = make_task("adding")
    config = TrainConfig(hidden_size=hidden_size, batch_size=batch_size, length=length, steps=repeats, dtype=dtype)
    model = MODELS["lstm"]
    weights = initial_weights(model, task, config)
    adam = Adam(weights)
    history: list[float] = []
    parts = {name: [] for name in BREAKDOWN_PARTS}
    for step in range(repeats + 1):
        t0 = time.perf_counter()
        sample = task.sample(batch_size, length, batch_seed(0, 1, step))
        t1 = time.perf_counter()
        batch = TimeMajorBatch.from_batch(sample, np.dtype(dtype))
        t2 = time.perf_counter()
        h, cache = model.forward(weights, batch.x)
        t3 = time.perf_counter()
        loss, accuracy, dh, head_grads = readout_loss(h, batch, weights)
        t4 = time.perf_counter()
        grads = model.backward(weights, batch.x, cache, dh)
        t5 = time.perf_counter()
        grads.update(head_grads)
        norm = global_norm(grads)
        adam.step(grads, scale=clip_factor(norm, config.clip))
        t6 = time.perf_counter()
        history.append(loss)  # what the loop does besides: smoothing, best-so-far copy, progress record
        smoothed = float(np.mean(history[-config.target_window :]))
        best = {name: array.copy() for name, array in weights.items()}
        Progress(step, repeats, loss, smoothed, smoothed, accuracy, norm, t6 - t0)
        t7 = time.perf_counter()
        del best
        if step:  # the first round compiles
            times = (t0, t1, t2, t3, t4, t5, t6, t7)
            for name, start, end in zip(parts, times, times[1:], strict=False):
                parts[name].append(end - start)
    result = {name: 1e3 * statistics.median(values) for name, values in parts.items()}
    whole = [train(task, config).wall_time / repeats for _ in range(3)]
    result[WHOLE_STEP] = 1e3 * statistics.median(whole)
    return result


BREAKDOWN_PARTS = (
    "sample batch (task generator)",
    "time-major copy",
    "forward kernel (core)",
    "readout + loss kernel",
    "backward kernel (core, BPTT)",
    "norm + clip + Adam (one kernel)",
    "loop bookkeeping",
)
CORE_PARTS = ("forward kernel (core)", "backward kernel (core, BPTT)")
WHOLE_STEP = "whole step in train()"
