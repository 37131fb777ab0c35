"""Training the LSTM and the RNN side by side in background threads, so the page stays live and can cancel.

No Streamlit here: a :class:`TrainingJob` lives in one session's state, its threads only write into the
job (under a lock), and the page polls :meth:`TrainingJob.status`. Cancelling sets an event the training
callback checks after every update; training then returns its best weights so far.

Snapshots while it runs: :func:`~lstm_viz.training.train` hands its snapshots over only when it returns,
so each thread first makes them: the seeded start (a run of no update at all), then one run to the last
snapshot step that keeps every snapshot on the way; it publishes those weights, then runs the whole
configuration. Training is deterministic (same seed, same minibatches, same updates), so these are bit for
bit the weights the full run keeps at those steps; the price is re-making the updates up to the last
snapshot (20 % of the run in the Train view). A snapshot hook in ``train`` would make that re-run unneeded.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace

import numpy as np

from ..tasks import Task
from ..training import Progress, TrainConfig, TrainResult, train

MODELS = ("lstm", "rnn")


@dataclass
class _Run:
    losses: list = field(default_factory=list)
    progress: Progress | None = None
    snapshots: dict = field(default_factory=dict)  # update -> params, published as soon as they are known
    result: TrainResult | None = None
    error: str | None = None


@dataclass(frozen=True)
class RunStatus:
    """A copy of one model's run, safe to draw while training goes on."""

    losses: np.ndarray
    step: int  # updates done (their losses are in ``losses``)
    steps: int
    done: bool
    result: TrainResult | None
    error: str | None
    snapshots: dict  # update -> params: the weights after that many updates, known so far
    at: int  # updates done by the training call running now: below ``step`` while it re-makes known ones

    @property
    def replaying(self) -> bool:
        """Re-making updates already made, up to the last snapshot (see the module doc)."""
        return self.at < self.step


class TrainingJob:
    """Both models trained on ``task`` with the same budget; ``key`` says which lesson the job belongs to, and
    ``spec`` (plain values: task, T, H, batch, updates, seed) what it trained on, for its exported data."""

    def __init__(self, key: str, task: Task, configs: dict[str, TrainConfig], spec: dict | None = None):
        self.key = key
        self.task = task
        self.configs = configs
        self.spec = dict(spec or {})
        self._runs = {model: _Run() for model in configs}
        self._lock = threading.Lock()
        self._cancel = threading.Event()
        self._threads = [
            threading.Thread(target=self._train, args=(model,), name=f"lstm_viz-train-{model}", daemon=True)
            for model in configs
        ]

    def start(self) -> TrainingJob:
        for thread in self._threads:
            thread.start()
        return self

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    @property
    def running(self) -> bool:
        return any(thread.is_alive() for thread in self._threads)

    def join(self, timeout: float | None = None) -> None:
        for thread in self._threads:
            thread.join(timeout)

    def status(self) -> dict[str, RunStatus]:
        with self._lock:
            return {
                model: RunStatus(
                    losses=np.array(run.losses),
                    step=len(run.losses),
                    steps=self.configs[model].steps,
                    done=run.result is not None or run.error is not None,
                    result=run.result,
                    error=run.error,
                    snapshots=dict(run.snapshots),
                    at=run.progress.step if run.progress is not None else 0,
                )
                for model, run in self._runs.items()
            }

    def _train(self, model: str) -> None:
        run, config = self._runs[model], self.configs[model]

        def callback(step: int, loss: float, progress: Progress):
            with self._lock:
                if step > len(run.losses):  # a re-run of updates already made adds nothing new
                    run.losses.append(loss)
                run.progress = progress
            return not self._cancel.is_set()

        try:
            for step in _early_runs(config.snapshot_steps):
                keep = tuple(s for s in config.snapshot_steps if s <= step)
                early = train(self.task, replace(config, steps=step, snapshot_steps=keep), callback)
                if early.stopped not in ("steps", "time") or early.steps_run < step:  # cancelled or diverged
                    self._finish(run, result=early)
                    return
                with self._lock:
                    run.snapshots.update({s: params for s, (params, _) in early.snapshots.items()})
            result = train(self.task, config, callback)
        except Exception as exc:  # shown on the page: a failed run must not take the session down
            self._finish(run, error=f"{type(exc).__name__}: {exc}")
            return
        self._finish(run, result=result)

    def _finish(self, run: _Run, result: TrainResult | None = None, error: str | None = None) -> None:
        with self._lock:
            run.result, run.error = result, error
            if result is not None:
                run.snapshots.update({step: params for step, (params, _) in result.snapshots.items()})


def _early_runs(snapshot_steps: tuple[int, ...]) -> list[int]:
    """How long the runs before the full one are: none at all for the seeded start (snapshot 0, on screen at
    once), then one to the last snapshot that keeps every snapshot on the way."""
    return [step for step in (0 if 0 in snapshot_steps else None, max(snapshot_steps, default=0) or None)
            if step is not None]  # fmt: skip
