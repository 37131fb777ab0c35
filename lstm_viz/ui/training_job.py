"""Training the LSTM and the RNN side by side in background threads, so the page stays live and can cancel.

No Streamlit here: a :class:`TrainingJob` lives in one session's state, its threads only write into the
job (under a lock), and the page polls :meth:`TrainingJob.status`. Cancelling sets an event the training
callback checks after every update; training then returns its best weights so far.
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
    progress: Progress | None = None
    result: TrainResult | None = None
    error: str | None = None


@dataclass(frozen=True)
class RunStatus:
    """A copy of one model's run, safe to draw while training goes on."""

    losses: np.ndarray
    step: int
    steps: int
    done: bool
    result: TrainResult | None
    error: str | None


class TrainingJob:
    """Both models trained on ``task`` with the same budget; ``key`` says which lesson the job belongs to."""

    def __init__(self, key: str, task: Task, configs: dict[str, TrainConfig]):
        self.key = key
        self.task = task
        self.configs = configs
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
                    step=run.progress.step if run.progress else 0,
                    steps=self.configs[model].steps,
                    done=run.result is not None or run.error is not None,
                    result=run.result,
                    error=run.error,
                )
                for model, run in self._runs.items()
            }

    def _train(self, model: str) -> None:
        run = self._runs[model]

        def callback(step: int, loss: float, progress: Progress):
            with self._lock:
                run.losses.append(loss)
                run.progress = progress
            return not self._cancel.is_set()

        try:
            result = train(self.task, self.configs[model], callback)
        except Exception as exc:  # shown on the page: a failed run must not take the session down
            with self._lock:
                run.error = f"{type(exc).__name__}: {exc}"
            return
        with self._lock:
            run.result = result
