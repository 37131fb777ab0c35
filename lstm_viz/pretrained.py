"""Shipped trained weights, so the app shows trained behaviour at once: one small file per task and model.

    params, head = load_pretrained("adding", "lstm")     # LSTMParams, {"head_weight": (O, H), "head_bias": (O,)}
    available_pretrained()                                # (("adding", "lstm"), ("adding", "rnn"), ...)
    pretrained_record("adding", "lstm")["final_loss"]    # how it was trained (task, T, H, seed, steps, loss)

Files live in ``assets/pretrained/<task>_<model>.npz`` beside ``training.json``; they are read with the
core's safe loader (never unpickled) and never written at run time. ``python -m lstm_viz.experiments
pretrain`` regenerates them from their seeds.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path

from .core import LSTMParams, RNNParams

PRETRAINED_DIR = Path(__file__).resolve().parent.parent / "assets" / "pretrained"
RECORD_FILE = "training.json"
PARAMS_CLASSES = {"lstm": LSTMParams, "rnn": RNNParams}


def pretrained_path(task: str, model: str, directory: Path = PRETRAINED_DIR) -> Path:
    return Path(directory) / f"{task}_{model}.npz"


def _options(spec: dict) -> str:
    """A task's options as a sentence: "text 'hello world'" (no dict braces for a student to decode)."""
    return ", ".join(f"{key} {value!r}" for key, value in spec.items() if key != "name") or "its default options"


def available_pretrained(directory: Path = PRETRAINED_DIR) -> tuple[tuple[str, str], ...]:
    """The (task, model) pairs that have shipped weights, sorted."""
    records = _records(Path(directory))
    return tuple(sorted(key for key in records if pretrained_path(*key, directory).is_file()))


def pretrained_record(task, model: str = "lstm", directory: Path = PRETRAINED_DIR) -> dict:
    """How the weights of ``(task, model)`` were trained: task spec, T, H, seed, steps, final loss, test score."""
    name = _task_name(task)
    record = _records(Path(directory)).get((name, model))
    if record is None:
        have = ", ".join(f"{t}/{m}" for t, m in available_pretrained(directory)) or "none"
        raise ValueError(f"no pretrained weights for task {name!r} and model {model!r} (available: {have}).")
    if not isinstance(task, str) and task.spec() != record["task"]:
        raise ValueError(
            f"the pretrained {model.upper()} for {name!r} was trained on {_options(record['task'])} and reads "
            f"only that; this lesson asks for {_options(task.spec())}. Use random weights for other options."
        )
    return copy.deepcopy(record)


def load_pretrained(task, model: str = "lstm", directory: Path = PRETRAINED_DIR):
    """(params, head) of the shipped weights for ``task`` (a name or a Task with the recorded options)."""
    if model not in PARAMS_CLASSES:
        raise ValueError(f"model must be one of {', '.join(PARAMS_CLASSES)}, got {model!r}.")
    pretrained_record(task, model, directory)
    path = pretrained_path(_task_name(task), model, directory)
    params, head = PARAMS_CLASSES[model].load_with_head(path.read_bytes())
    if not head:
        raise ValueError(f"{path.name} holds no readout head (head_weight, head_bias).")
    return params, head


def _task_name(task) -> str:
    return task if isinstance(task, str) else task.name


@cache
def _records(directory: Path) -> dict:
    """{(task, model): record} from ``training.json`` (empty when there is none)."""
    path = directory / RECORD_FILE
    if not path.is_file():
        return {}
    entries = json.loads(path.read_text(encoding="utf-8"))["weights"]
    return {(entry["task"]["name"], entry["model"]): entry for entry in entries}
