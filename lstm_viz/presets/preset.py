"""A preset: hand-set weights, the paragraph that explains them, and an input sequence that shows it."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from ..core import LSTMParams, LSTMTrace, RNNParams, RNNTrace, lstm_forward, rnn_forward

MAX_LENGTH = 2000  # the longest sequence a preset regenerates (the same cap as the lesson tasks)


class Episode(NamedTuple):
    """One input sequence of a preset: ``inputs (T, D)``, a label per step, and the step worth a look."""

    inputs: np.ndarray
    x_labels: tuple[str, ...]
    focus_step: int


EpisodeMaker = Callable[[int, int], Episode]  # (length, seed) -> Episode


@dataclass(frozen=True, eq=False)
class Preset:
    """A hand-wired model with its story and its sequence.

    params: LSTMParams or RNNParams; inputs: (T, D) (read-only); input_labels: (D,) channel names;
    x_labels: (T,) what each step shows ("store 0.70", "·", "reset"); focus_unit: the hidden unit
    the story is about; focus_step: the step the story points at; make_episode: (length, seed) ->
    Episode regenerates the sequence; seed: the seed ``inputs`` came from.
    """

    name: str
    title: str
    story: str
    params: LSTMParams | RNNParams
    input_labels: tuple[str, ...]
    focus_unit: int
    inputs: np.ndarray
    x_labels: tuple[str, ...]
    focus_step: int
    make_episode: EpisodeMaker = dataclasses.field(repr=False)
    seed: int = 0

    def __post_init__(self):
        inputs = np.array(self.inputs, dtype=np.float64)
        inputs.flags.writeable = False  # presets are shared module-level values: nobody may edit them in place
        object.__setattr__(self, "inputs", inputs)
        object.__setattr__(self, "input_labels", tuple(self.input_labels))
        object.__setattr__(self, "x_labels", tuple(self.x_labels))
        if inputs.ndim != 2 or inputs.shape[1] != self.params.input_size or len(self.input_labels) != inputs.shape[1]:
            raise ValueError(
                f"preset {self.name!r}: inputs {inputs.shape} and {len(self.input_labels)} input labels do not fit "
                f"weights reading D = {self.params.input_size} inputs."
            )
        steps, hidden = inputs.shape[0], self.params.hidden_size
        if len(self.x_labels) != steps:
            raise ValueError(f"preset {self.name!r}: {len(self.x_labels)} step labels for {steps} steps.")
        if not 0 <= self.focus_unit < hidden or not 0 <= self.focus_step < steps:
            raise ValueError(
                f"preset {self.name!r}: focus unit {self.focus_unit} or step {self.focus_step} out of range."
            )

    @classmethod
    def build(cls, *, make_episode: EpisodeMaker, length: int, seed: int = 0, **fields) -> Preset:
        """A preset whose ``inputs``, ``x_labels`` and ``focus_step`` come from ``make_episode(length, seed)``."""
        episode = make_episode(length, seed)
        return cls(**fields, inputs=episode.inputs, x_labels=episode.x_labels, focus_step=episode.focus_step,
                   make_episode=make_episode, seed=seed)  # fmt: skip

    @property
    def model(self) -> str:
        """The model kind, "lstm" or "rnn"."""
        return self.params.kind

    @property
    def length(self) -> int:
        return self.inputs.shape[0]

    def make_inputs(self, length: int, seed: int = 0) -> np.ndarray:
        """The preset's kind of sequence at another ``length``: (length, D)."""
        return self.make_episode(length, seed).inputs

    def with_length(self, length: int, seed: int = 0) -> Preset:
        """The same preset on a regenerated sequence (inputs, x_labels and focus_step all updated)."""
        episode = self.make_episode(length, seed)
        return dataclasses.replace(
            self, inputs=episode.inputs, x_labels=episode.x_labels, focus_step=episode.focus_step, seed=seed
        )

    def run(self, inputs=None) -> LSTMTrace | RNNTrace:
        """The forward trace on ``inputs`` (default: the preset's own sequence), from zero states."""
        x = self.inputs if inputs is None else inputs
        return lstm_forward(self.params, x) if isinstance(self.params, LSTMParams) else rnn_forward(self.params, x)


def check_length(length, minimum: int, name: str) -> int:
    """``length`` as an int in [minimum, MAX_LENGTH], or a ValueError naming the preset."""
    if isinstance(length, bool) or not isinstance(length, int | np.integer) or not minimum <= length <= MAX_LENGTH:
        raise ValueError(
            f"the {name} preset needs a whole-number length from {minimum} to {MAX_LENGTH}, not {length!r}."
        )
    return int(length)
