"""The training loop: Adam on full BPTT over fresh seeded minibatches, with clipping, early stop,
cancellation, a time budget and parameter snapshots. Same interface for the LSTM and the vanilla RNN.

    result = train("adding", TrainConfig(model="lstm", steps=3000, target_loss=0.005))
    result.params, result.head, result.history, result.snapshots[0], result.stopped

Each step draws a new batch from the task (an unlimited supply of sequences, as in Hochreiter &
Schmidhuber's online setting), so the training loss is also an unbiased estimate of the test loss.
A Python loop over optimisation steps; each step's forward and backward are single kernel calls.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from types import MappingProxyType

import numpy as np

from ..core import PARAM_NAMES
from ..tasks import Task, make_task
from .objective import TimeMajorBatch, init_head, loss_and_grads
from .optim import Adam, clip_factor, global_norm
from .recurrent import MODELS

# The LSTM's gate biases at init, for long lags. Forget gate +5: f = σ(5) ≈ 0.993 keeps 0.993^100 ≈ 51% of an
# untrained cell's content (and of the gradient along it) across 100 steps; +3 (f ≈ 0.95) keeps 0.7%, +1 1e-14.
# Input gate −5: i = σ(−5) ≈ 0.007, so the untrained cell does not fill up with every distractor. With i ≈ 0.5
# and f ≈ 1 the cell sums ~0.5·g per step, |c| drifts to several units within 100 steps and tanh(c) saturates:
# h stops reflecting c and the gradient through tanh′(c) vanishes ("internal state drift", whose remedy in
# Hochreiter & Schmidhuber (1997) was this same negative input-gate bias). With +3 and no input bias the LSTM
# stayed at chance on recall lag 100 and on the adding problem at T = 100 and 200 within 60 s; the report's
# init table (experiments.long_lag.INIT_ABLATION) measures +3 and +5 without the input bias against this init.
LONG_LAG_FORGET_BIAS = 5.0
LONG_LAG_INPUT_BIAS = -5.0
STOP_REASONS = ("steps", "target", "time", "cancelled", "diverged")
DTYPES = ("float64", "float32")
TRAIN_STREAM = 1  # random streams derived from the seed: minibatches, and held-out test batches
TEST_STREAM = 2


@dataclass(frozen=True)
class TrainConfig:
    """Everything that defines a training run, as plain values (JSON via :meth:`to_dict`).

    model: "lstm" or "rnn".  length: T of the training sequences (None: the task's default).
    clip: max global gradient norm (None: no clipping).  target_loss: stop once the mean loss of the
    last ``target_window`` minibatches is at or below it.  time_budget: stop after this many
    wall-clock seconds.  snapshot_steps: keep the parameters after these many updates (0 = initial).
    forget_bias: added to the LSTM's forget-gate bias at init (1 keeps the cell open early on).
    input_bias: added to the LSTM's input-gate bias at init (< 0 keeps the cell from filling up with
    every input before it has learned which ones matter: Hochreiter & Schmidhuber's remedy for drift).
    """

    model: str = "lstm"
    hidden_size: int = 32
    steps: int = 2000
    batch_size: int = 32
    length: int | None = None
    lr: float = 1e-2
    clip: float | None = 1.0
    seed: int = 0
    target_loss: float | None = None
    target_window: int = 20
    snapshot_steps: tuple[int, ...] = ()
    forget_bias: float = 1.0
    input_bias: float = 0.0
    time_budget: float | None = None
    dtype: str = "float64"

    def __post_init__(self):
        if self.model not in MODELS:
            raise ValueError(f"model must be one of {', '.join(MODELS)}, got {self.model!r}.")
        if self.dtype not in DTYPES:
            raise ValueError(f"dtype must be one of {', '.join(DTYPES)}, got {self.dtype!r}.")
        for name, low in (("hidden_size", 1), ("steps", 0), ("batch_size", 1), ("seed", 0), ("target_window", 1)):
            _check_whole(getattr(self, name), name, low)
        if self.length is not None:
            _check_whole(self.length, "length", 1)
        _check_positive(self.lr, "lr")
        for name in ("clip", "time_budget", "target_loss"):
            if getattr(self, name) is not None:
                _check_positive(getattr(self, name), name, allow_zero=name == "target_loss")
        for name in ("forget_bias", "input_bias"):
            value = getattr(self, name)
            if isinstance(value, bool) or not (isinstance(value, (int, float)) and math.isfinite(value)):
                raise ValueError(f"{name} must be a finite number, got {value!r}.")
        steps = tuple(sorted({_check_whole(s, "each of snapshot_steps", 0) for s in self.snapshot_steps}))
        object.__setattr__(self, "snapshot_steps", steps)

    def to_dict(self) -> dict:
        return {**asdict(self), "snapshot_steps": list(self.snapshot_steps)}


@dataclass(frozen=True)
class Progress:
    """What the callback learns after each step (``step`` updates done out of ``steps``)."""

    step: int
    steps: int
    loss: float  # this step's minibatch loss (before its update)
    smoothed_loss: float  # mean of the last ``target_window`` minibatch losses
    best_loss: float  # lowest smoothed loss so far
    accuracy: float | None  # this minibatch's accuracy (classification tasks)
    grad_norm: float  # global gradient norm before clipping
    elapsed: float  # wall-clock seconds since training started
    snapshots: Mapping[int, tuple] = field(default_factory=dict)  # the snapshots kept so far (read-only view)


class TrainingCancelled(Exception):
    """Raise from the callback (or return False) to stop training; the result keeps the best parameters."""


@dataclass(frozen=True, eq=False)
class TrainResult:
    """The outcome of :func:`train`.

    params, head: the final weights, except after "cancelled" or "diverged", where they are the best
    ones seen (lowest smoothed loss, after ``best_step`` updates).  history: (steps_run,) minibatch
    losses; grad_norms: the same steps' gradient norms before clipping.  snapshots: {step: (params,
    head)} for each requested step that was reached.  stopped: one of STOP_REASONS.
    """

    params: object
    head: dict
    history: np.ndarray
    grad_norms: np.ndarray
    wall_time: float
    steps_run: int
    stopped: str
    snapshots: dict = field(repr=False)
    best_step: int
    best_loss: float
    config: TrainConfig
    task: dict  # the task's spec: make_task(**result.task) rebuilds it
    length: int

    @property
    def final_loss(self) -> float:
        """Mean minibatch loss over the last ``target_window`` steps (nan before the first step)."""
        tail = self.history[-self.config.target_window :]
        return float(tail.mean()) if tail.size else math.nan

    @property
    def sequences_seen(self) -> int:
        return self.steps_run * self.config.batch_size

    def summary(self) -> dict:
        """Plain values for a JSON or markdown record of the run."""
        return {
            "task": self.task,
            "length": self.length,
            "config": self.config.to_dict(),
            "steps_run": self.steps_run,
            "sequences_seen": self.sequences_seen,
            "stopped": self.stopped,
            "wall_time_s": round(self.wall_time, 3),
            "final_loss": self.final_loss,
            "best_step": self.best_step,
            "best_loss": self.best_loss,
        }


Callback = Callable[[int, float, Progress], object]


def train(task: Task | str, config: TrainConfig | None = None, callback: Callback | None = None) -> TrainResult:
    """Train ``config.model`` on ``task`` (a Task or a task name) and return a :class:`TrainResult`.

    callback(step, loss, progress) runs after every update; returning False or raising
    :class:`TrainingCancelled` stops training. ``progress.snapshots`` holds the snapshots kept so far
    ({step: (params, head)}), so a live view can show them before training ends.
    Same seed, same config → bit-identical result.
    """
    task = make_task(task) if isinstance(task, str) else task
    config = config or TrainConfig()
    model = MODELS[config.model]
    dtype = np.dtype(config.dtype)
    length = task.default_length if config.length is None else config.length
    weights = initial_weights(model, task, config)
    optimiser = Adam(weights, lr=config.lr)
    snapshots = {0: _freeze(model, weights)} if 0 in config.snapshot_steps else {}
    kept = MappingProxyType(snapshots)  # what each Progress shows of them: a view, so the callback sees them live
    history: list[float] = []
    norms: list[float] = []
    best_loss, best_step, best_weights = math.inf, 0, _copy(weights)
    stopped = "steps"
    start = time.perf_counter()
    for step in range(1, config.steps + 1):
        sample = task.sample(config.batch_size, length, batch_seed(config.seed, TRAIN_STREAM, step))
        loss, accuracy, grads = loss_and_grads(model, weights, TimeMajorBatch.from_batch(sample, dtype))
        norm = global_norm(grads)
        if not (math.isfinite(loss) and math.isfinite(norm)):
            stopped = "diverged"
            break
        history.append(loss)
        norms.append(norm)
        smoothed = float(np.mean(history[-config.target_window :]))
        if smoothed < best_loss:  # the weights that scored it are the ones before this step's update
            best_loss, best_step, best_weights = smoothed, step - 1, _copy(weights)
        optimiser.step(grads, scale=clip_factor(norm, config.clip))  # clipping, fused into the update
        if step in config.snapshot_steps:
            snapshots[step] = _freeze(model, weights)
        elapsed = time.perf_counter() - start
        progress = Progress(step, config.steps, loss, smoothed, best_loss, accuracy, norm, elapsed, kept)
        if callback is not None and _cancelled(callback, progress):
            stopped = "cancelled"
            break
        reason = _finished(config, progress, len(history))
        if reason is not None:
            stopped = reason
            break
    final = best_weights if stopped in ("cancelled", "diverged") else weights
    params, head = _freeze(model, final)
    return TrainResult(
        params=params,
        head=head,
        history=np.array(history),
        grad_norms=np.array(norms),
        wall_time=time.perf_counter() - start,
        steps_run=len(history),
        stopped=stopped,
        snapshots=snapshots,
        best_step=best_step,
        best_loss=best_loss,
        config=config,
        task=task.spec(),
        length=length,
    )


def batch_seed(seed: int, stream: int, index: int) -> int:
    """An independent seed for the ``index``-th batch of a ``stream`` (TRAIN_STREAM, TEST_STREAM) of run ``seed``."""
    return int(np.random.SeedSequence([seed, stream, index]).generate_state(1)[0])


def held_out_batch(task: Task | str, batch_size: int, length: int | None, seed: int):
    """A held-out batch: drawn from a stream that training with ``seed`` never uses."""
    task = make_task(task) if isinstance(task, str) else task
    return task.sample(batch_size, length, batch_seed(seed, TEST_STREAM, 0))


def initial_weights(model, task: Task, config: TrainConfig) -> dict[str, np.ndarray]:
    """The seeded starting point: recurrent weights (PyTorch init, forget bias) and the readout head."""
    dtype = np.dtype(config.dtype)
    initial = model.init(task.input_size, config.hidden_size, config.seed, config.forget_bias, config.input_bias)
    weights = {name: array.astype(dtype) for name, array in initial.items()}
    weights.update(init_head(config.hidden_size, task.output_size, config.seed, dtype))
    return weights


def _cancelled(callback: Callback, progress: Progress) -> bool:
    try:
        return callback(progress.step, progress.loss, progress) is False
    except TrainingCancelled:
        return True


def _finished(config: TrainConfig, progress: Progress, losses: int) -> str | None:
    """ "target" or "time" when that stop applies after this step, else None."""
    target = config.target_loss
    if target is not None and losses >= config.target_window and progress.smoothed_loss <= target:
        return "target"
    if config.time_budget is not None and progress.elapsed >= config.time_budget:
        return "time"
    return None


def _copy(weights: dict) -> dict:
    return {name: array.copy() for name, array in weights.items()}


def _freeze(model, weights: dict):
    """(params, head) values, independent of the arrays training keeps updating."""
    params = model.params_class(**{name: weights[name] for name in PARAM_NAMES})
    head = {name: weights[name].copy() for name in ("head_weight", "head_bias")}
    return params, head


def _check_whole(value, name: str, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
        raise ValueError(f"{name} must be a whole number >= {low}, got {value!r}.")
    return int(value)


def _check_positive(value, name: str, allow_zero: bool = False) -> float:
    number = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
    ok = number and math.isfinite(value)
    if not ok or value < 0 or (value == 0 and not allow_zero):
        raise ValueError(f"{name} must be a finite number {'>= 0' if allow_zero else '> 0'}, got {value!r}.")
    return float(value)
