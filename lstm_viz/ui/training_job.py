"""Training the LSTM and the RNN side by side in background threads, so the page stays live and can cancel.

No Streamlit here: a :class:`TrainingJob` lives in one session's state, its threads only write into the
job (under a lock), and the page polls :meth:`TrainingJob.status`. Cancelling sets an event the training
callback checks after every update; training then returns its best weights so far.

Snapshots while it runs: every update's :class:`~lstm_viz.training.Progress` carries the snapshots kept so
far, which the callback publishes, so "before" and "during" are on screen as soon as training reaches them.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import numpy as np

from ..tasks import Task
from ..training import Progress, TrainConfig, TrainResult, train

MODELS = ("lstm", "rnn")


@dataclass
class _Run:
    losses: list = field(default_factory=list)
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
                )
                for model, run in self._runs.items()
            }

    def _train(self, model: str) -> None:
        run, config = self._runs[model], self.configs[model]

        def callback(step: int, loss: float, progress: Progress):
            with self._lock:
                run.losses.append(loss)
                run.snapshots.update({s: params for s, (params, _) in progress.snapshots.items()})
            return not self._cancel.is_set()

        try:
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
