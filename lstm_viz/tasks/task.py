"""The interface every lesson task shares: a :class:`Task` (a small, serialisable value) samples a
:class:`TaskBatch` (the arrays) from ``(batch_size, length, seed)``.

A batch is never stored: ``(task.spec(), batch_size, length, seed)`` regenerates it exactly, so the
URL, the training code and the export all carry those few plain values instead of arrays.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import ClassVar

import numpy as np

from ..number_text import num

MAX_LENGTH = 2000  # steps T: the longest lesson a classroom machine trains through quickly
MAX_BATCH_SIZE = 4096
MAX_INPUT_VALUES = 2**26  # B·T·D float64 inputs ≈ 0.5 GB: the most one batch may allocate

KINDS = ("regression", "classification")
INPUT_ENCODINGS = ("one_hot", "values", "value_marker")


@dataclass(frozen=True, eq=False)
class TaskBatch:
    """One sampled batch of sequences.

    x: (B, T, D) float64 inputs.
    y: (B, T, O) float64 regression targets, or (B, T) int64 class indices in [0, O).
       Targets hold the true answer at every step; ``mask`` says which steps are scored.
    mask: (B, T) float64 in {0, 1}; a masked loss is Σ mask·loss / Σ mask.
    input_encoding: how a row x[b, t] reads: "one_hot" (a symbol), "values" (numbers) or
       "value_marker" (a number and a 0/1 marker, the adding problem).
    input_labels: (D,) names of the input channels (the symbols, for one-hot inputs).
    output_labels: (O,) names of the output channels, or of the classes.
    """

    x: np.ndarray
    y: np.ndarray
    mask: np.ndarray
    kind: str
    description: str
    input_encoding: str
    input_labels: tuple[str, ...]
    output_labels: tuple[str, ...]

    def __post_init__(self):
        batch, steps, inputs = self.x.shape
        target_shape = (batch, steps) if self.kind == "classification" else (batch, steps, len(self.output_labels))
        if self.y.shape != target_shape or self.mask.shape != (batch, steps) or len(self.input_labels) != inputs:
            raise ValueError(
                f"inconsistent batch: x {self.x.shape}, y {self.y.shape} (expected {target_shape}), "
                f"mask {self.mask.shape}, {len(self.input_labels)} input labels for D = {inputs}."
            )
        if self.kind not in KINDS or self.input_encoding not in INPUT_ENCODINGS:
            raise ValueError(f"unknown kind {self.kind!r} or input encoding {self.input_encoding!r}.")

    @property
    def batch_size(self) -> int:
        return self.x.shape[0]

    @property
    def length(self) -> int:
        return self.x.shape[1]

    def step_label(self, b: int, t: int) -> str:
        """How x[b, t] reads to a student: "0.42 ★marker", "'h'", "bit 1", "C ★marker", "-0.3"."""
        row = self.x[b, t]
        if self.input_encoding == "one_hot":
            symbol = int(np.argmax(row))
            marked = self.input_labels[-1] == "marker" and symbol != len(row) - 1 and row[-1] > 0.5
            return self.input_labels[symbol] + (" ★marker" if marked else "")
        if self.input_encoding == "value_marker":
            return f"{row[0]:.2f}" + (" ★marker" if row[1] > 0.5 else "")
        return ", ".join(value_label(v) for v in row)

    def target_label(self, b: int, t: int) -> str:
        """How the target at (b, t) reads: a class name, or the number(s) to predict."""
        if self.kind == "classification":
            return self.output_labels[int(self.y[b, t])]
        return ", ".join(value_label(v) for v in self.y[b, t])


def value_label(value: float) -> str:
    """A number as the app's labels write numbers (``num``: "−0.532"); a whole number as typed ("2", "−1")."""
    value = float(value)
    return num(value, 0) if value.is_integer() and abs(value) < 1e15 else num(value)


@dataclass(frozen=True)
class Task:
    """A lesson's sequence generator. Subclasses are frozen dataclasses whose fields are their
    options (plain numbers and text, so :meth:`spec` is JSON) and implement :meth:`_generate`."""

    name: ClassVar[str]
    title: ClassVar[str]
    kind: ClassVar[str]
    input_encoding: ClassVar[str]
    min_length: ClassVar[int]
    default_length: ClassVar[int]
    max_length: ClassVar[int] = MAX_LENGTH
    max_batch_size: ClassVar[int] = MAX_BATCH_SIZE
    long_lag: ClassVar[bool] = False  # the answer hangs on an input far back: train the LSTM with the long-lag init

    @property
    def input_labels(self) -> tuple[str, ...]:
        raise NotImplementedError

    @property
    def output_labels(self) -> tuple[str, ...]:
        raise NotImplementedError

    @property
    def description(self) -> str:
        raise NotImplementedError

    @property
    def input_size(self) -> int:
        """D, the width of x_t."""
        return len(self.input_labels)

    @property
    def output_size(self) -> int:
        """O: regression outputs, or the number of classes."""
        return len(self.output_labels)

    def spec(self) -> dict:
        """``{"name": ..., **options}``: JSON-ready; ``make_task(**task.spec()) == task``."""
        return {"name": self.name, **{f.name: getattr(self, f.name) for f in fields(self) if f.init}}

    def sample(self, batch_size: int, length: int | None, seed: int) -> TaskBatch:
        """Draw ``batch_size`` sequences of ``length`` steps (None: ``default_length``).

        The same (task, batch_size, length, seed) always gives the same batch.
        """
        batch_size = check_int(batch_size, f"batch_size for task {self.name!r}", 1, self.max_batch_size)
        if length is None:
            length = self.default_length
        length = check_int(length, f"the length T for task {self.name!r}", self.min_length, self.max_length)
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
            raise ValueError(f"seed must be a whole number ≥ 0 (e.g. 0 or 42), got {seed!r}.")
        values = batch_size * length * self.input_size
        if values > MAX_INPUT_VALUES:
            raise ValueError(
                f"batch_size × T × D = {batch_size} × {length} × {self.input_size} = {values:,} input values; "
                f"the limit is {MAX_INPUT_VALUES:,}. Use a smaller batch or shorter sequences."
            )
        x, y, mask = self._generate(np.random.default_rng(int(seed)), batch_size, length)
        return TaskBatch(
            x=x,
            y=y,
            mask=mask,
            kind=self.kind,
            description=self.description,
            input_encoding=self.input_encoding,
            input_labels=self.input_labels,
            output_labels=self.output_labels,
        )

    def _generate(self, rng: np.random.Generator, batch_size: int, length: int):
        """Return ``(x, y, mask)`` with the shapes of :class:`TaskBatch`; arguments are already valid."""
        raise NotImplementedError


def check_int(value, name: str, low: int, high: int) -> int:
    """Return ``value`` as an int, or raise unless it is a whole number in [low, high]."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name} must be a whole number, got {value!r}.")
    if not low <= value <= high:
        allowed = f"exactly {low}" if low == high else f"between {low} and {high}"
        raise ValueError(f"{name} must be {allowed}, got {value}.")
    return int(value)


def check_float(value, name: str, low: float, high: float) -> float:
    """Return ``value`` as a float, or raise unless it is a real number in [low, high]."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"{name} must be a number, got {value!r}.")
    if not low <= value <= high:  # also refuses NaN
        raise ValueError(f"{name} must be between {low:g} and {high:g}, got {value}.")
    return float(value)


def one_hot(codes: np.ndarray, size: int) -> np.ndarray:
    """(...,) int codes in [0, size) → (..., size) float64 rows with a single 1."""
    rows = np.zeros((*codes.shape, size))
    np.put_along_axis(rows, codes[..., None], 1.0, axis=-1)
    return rows


def window_steps(rng: np.random.Generator, batch_size: int, length: int, sequence_length: int) -> np.ndarray:
    """(B, T) indices of the input steps of B windows drawn from one fixed sequence of ``sequence_length``
    items; each window's targets sit one index later, so every window ends by the last item."""
    starts = rng.integers(0, sequence_length - 1 - length, size=batch_size, endpoint=True)
    return starts[:, None] + np.arange(length)
