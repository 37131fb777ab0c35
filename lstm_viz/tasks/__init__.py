"""The lessons' sequence tasks: seeded, deterministic generators of ``(x, y, mask)`` batches.

    task = make_task("adding")        # or make_task("text", text="..."), make_task("custom", text="0.5, -1")
    batch = task.sample(batch_size=32, length=50, seed=0)
    batch.x (B, T, D), batch.y, batch.mask (B, T), batch.step_label(0, 3)

A task is fully described by ``task.spec()`` (plain JSON), so ``make_task(**spec).sample(B, T, seed)``
regenerates any batch the app, the trainer or an export has used.
"""

from __future__ import annotations

from dataclasses import fields

from .custom import (
    DEFAULT_CUSTOM_TEXT,
    MAX_ABS_VALUE,
    MAX_SEQUENCE_CHARS,
    MAX_SEQUENCE_NUMBERS,
    CustomSequenceTask,
    parse_sequence,
)
from .memory import ADDING_BASELINE_ANSWER, ADDING_BASELINE_MSE, AddingTask, RecallTask, TemporalOrderTask
from .sine import SineTask
from .task import MAX_BATCH_SIZE, MAX_INPUT_VALUES, MAX_LENGTH, Task, TaskBatch
from .text import DEFAULT_TEXT, MAX_TEXT_CHARS, TextTask

TASKS: dict[str, Task] = {
    task.name: task
    for task in (AddingTask(), RecallTask(), TemporalOrderTask(), SineTask(), TextTask(), CustomSequenceTask())
}


def make_task(name: str, **options) -> Task:
    """The task called ``name`` with its options, e.g. ``make_task("recall", num_symbols=4)``.

    Raises ``ValueError`` for an unknown name (listing the valid ones) or option, or a bad option value.
    """
    if not isinstance(name, str) or name not in TASKS:
        raise ValueError(f"unknown task {name!r}; choose one of: {', '.join(TASKS)}.")
    task_class = type(TASKS[name])
    allowed = [f.name for f in fields(task_class) if f.init]
    unknown = sorted(set(options) - set(allowed))
    if unknown:
        takes = f"its options are: {', '.join(allowed)}" if allowed else "it takes no options"
        raise ValueError(f"task {name!r} has no option {', '.join(unknown)}; {takes}.")
    return task_class(**options)


__all__ = [
    "ADDING_BASELINE_ANSWER",
    "ADDING_BASELINE_MSE",
    "DEFAULT_CUSTOM_TEXT",
    "DEFAULT_TEXT",
    "MAX_ABS_VALUE",
    "MAX_BATCH_SIZE",
    "MAX_INPUT_VALUES",
    "MAX_LENGTH",
    "MAX_SEQUENCE_CHARS",
    "MAX_SEQUENCE_NUMBERS",
    "MAX_TEXT_CHARS",
    "TASKS",
    "AddingTask",
    "CustomSequenceTask",
    "RecallTask",
    "SineTask",
    "Task",
    "TaskBatch",
    "TemporalOrderTask",
    "TextTask",
    "make_task",
    "parse_sequence",
]
