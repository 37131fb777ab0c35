"""Long-lag memory problems, answered at the last step only: the adding problem, long-lag recall
and the temporal-order problem (Hochreiter & Schmidhuber, 1997).

Each hides what matters among steps that do not, so a network must *hold* information across
many steps: exactly what the LSTM's cell state c_t is for.
"""

from __future__ import annotations

import string
from dataclasses import dataclass

import numpy as np

from .task import Task, check_int, one_hot

# Always answering 1 (the mean target): E[(u₁ + u₂ − 1)²] = Var(u₁ + u₂) = 2 · (1/12) = 1/6 ≈ 0.167,
# with u₁, u₂ ~ U(0, 1). A network beats this only if it has learned to find and add the marked values.
ADDING_BASELINE_MSE = 1 / 6
ADDING_BASELINE_ANSWER = 1.0
RECALL_MARKER = "marker"  # the input channel that flags the symbol to remember


def one_step_in_each_half(rng: np.random.Generator, batch_size: int, length: int) -> tuple[np.ndarray, np.ndarray]:
    """(B,) steps t₁ ∈ [0, ⌊T/2⌋) and (B,) steps t₂ ∈ [⌊T/2⌋, T): one in each half, so t₁ < t₂."""
    half = length // 2
    return rng.integers(0, half, size=batch_size), rng.integers(half, length, size=batch_size)


def last_step_mask(batch_size: int, length: int) -> np.ndarray:
    """(B, T) mask scoring only the last step, where these tasks ask for the answer."""
    mask = np.zeros((batch_size, length))
    mask[:, -1] = 1.0
    return mask


def answer_at_every_step(answer: np.ndarray, length: int) -> np.ndarray:
    """(B, ...) answers → (B, T, ...): targets hold the answer everywhere; the mask picks the last step."""
    return np.repeat(answer[:, None], length, axis=1)


@dataclass(frozen=True)
class AddingTask(Task):
    """The adding problem in the two-channel form of Le et al. (2015).

    x_t = (u_t, m_t): u_t ~ U(0, 1), m_t ∈ {0, 1} with exactly two markers, one in each half.
    y = Σ_t m_t · u_t, read at the last step only; x: (B, T, 2), y: (B, T, 1).
    """

    name = "adding"
    long_lag = True
    title = "Adding problem"
    kind = "regression"
    input_encoding = "value_marker"
    min_length = 2
    default_length = 50

    @property
    def input_labels(self) -> tuple[str, ...]:
        return ("value", "marker")

    @property
    def output_labels(self) -> tuple[str, ...]:
        return ("sum",)

    @property
    def description(self) -> str:
        return (
            "Adding problem: add the two marked numbers (one in each half) and answer at the last step; "
            f"always answering {ADDING_BASELINE_ANSWER:g} scores MSE ≈ {ADDING_BASELINE_MSE:.3f}."
        )

    def _generate(self, rng, batch_size, length):
        values = rng.uniform(0.0, 1.0, size=(batch_size, length))
        first, second = one_step_in_each_half(rng, batch_size, length)
        rows = np.arange(batch_size)
        markers = np.zeros((batch_size, length))
        markers[rows, first] = 1.0
        markers[rows, second] = 1.0
        total = values[rows, first] + values[rows, second]
        x = np.stack([values, markers], axis=-1)
        return x, answer_at_every_step(total[:, None], length), last_step_mask(batch_size, length)


@dataclass(frozen=True)
class RecallTask(Task):
    """Long-lag recall: name the marked first symbol after T − 1 random symbols of the same alphabet.

    x: (B, T, K + M + 1) one-hot symbol plus a marker channel: step 0 shows one of K symbols with the
    marker on; steps 1 … T−1 show distractors, drawn at random from the same K symbols (M = 0, the
    default) or from M separate distractor symbols a, b, … (M > 0).
    y: (B, T) the index of the first symbol, in [0, K), scored at the last step; chance is 1/K.

    Why one alphabet by default: then every symbol channel also carries distractors, so the only way to
    learn which input decides the answer is to carry the credit back over the whole lag, through
    the perturbations of every step in between, as in Hochreiter & Schmidhuber's (1997) Experiment 2.
    With separate distractor symbols (M > 0, this task before) the K answer channels are non-zero at
    step 0 only; their input weights then get a gradient free of distractor noise, which Adam rescales
    to full-size steps however much it vanished on the way back, and a vanilla RNN learns lag 100.
    """

    num_symbols: int = 8
    num_distractors: int = 0

    name = "recall"
    long_lag = True
    title = "Long-lag recall"
    kind = "classification"
    input_encoding = "one_hot"
    min_length = 2
    default_length = 20

    def __post_init__(self):
        letters = len(string.ascii_lowercase)
        object.__setattr__(self, "num_symbols", check_int(self.num_symbols, "num_symbols", 2, letters))
        object.__setattr__(self, "num_distractors", check_int(self.num_distractors, "num_distractors", 0, letters))

    @property
    def output_labels(self) -> tuple[str, ...]:
        if self.num_symbols == 2:
            return ("bit 0", "bit 1")
        return tuple(string.ascii_uppercase[: self.num_symbols])

    @property
    def input_labels(self) -> tuple[str, ...]:
        return self.output_labels + tuple(string.ascii_lowercase[: self.num_distractors]) + (RECALL_MARKER,)

    @property
    def description(self) -> str:
        first = "bit" if self.num_symbols == 2 else f"symbol (one of {self.num_symbols})"
        among = "random symbols of the same alphabet" if self.num_distractors == 0 else "random distractors"
        return (
            f"Long-lag recall: remember the marked first {first} through the {among} after it and name it "
            f"at the end (chance {100 / self.num_symbols:.3g}%)."  # 12.5%, not a rounded 12%
        )

    def _generate(self, rng, batch_size, length):
        first = rng.integers(0, self.num_symbols, size=batch_size)
        if self.num_distractors == 0:
            codes = rng.integers(0, self.num_symbols, size=(batch_size, length))
        else:
            codes = self.num_symbols + rng.integers(0, self.num_distractors, size=(batch_size, length))
        codes[:, 0] = first
        x = one_hot(codes, self.input_size)
        x[:, 0, -1] = 1.0  # the marker: "remember this one"
        return x, answer_at_every_step(first, length), last_step_mask(batch_size, length)


@dataclass(frozen=True)
class TemporalOrderTask(Task):
    """The temporal-order problem, simplified: among distractors a–d, X or Y appears once in each half.

    x: (B, T, 6) one-hot over (X, Y, a, b, c, d).
    y: (B, T) the order class 2·s₁ + s₂ ∈ {XX, XY, YX, YY}, s = 0 for X and 1 for Y, scored at the last step.
    """

    name = "temporal_order"
    long_lag = True
    title = "Temporal order"
    kind = "classification"
    input_encoding = "one_hot"
    min_length = 2
    default_length = 30

    @property
    def input_labels(self) -> tuple[str, ...]:
        return ("X", "Y", "a", "b", "c", "d")

    @property
    def output_labels(self) -> tuple[str, ...]:
        return ("XX", "XY", "YX", "YY")

    @property
    def description(self) -> str:
        return (
            "Temporal order: X or Y appears once in each half among distractors; at the end, name the order (XX … YY)."
        )

    def _generate(self, rng, batch_size, length):
        relevant = 2  # X and Y come first in input_labels; the rest are distractors
        codes = rng.integers(relevant, self.input_size, size=(batch_size, length))
        first, second = one_step_in_each_half(rng, batch_size, length)
        first_symbol = rng.integers(0, relevant, size=batch_size)
        second_symbol = rng.integers(0, relevant, size=batch_size)
        rows = np.arange(batch_size)
        codes[rows, first] = first_symbol
        codes[rows, second] = second_symbol
        order = relevant * first_symbol + second_symbol
        x = one_hot(codes, self.input_size)
        return x, answer_at_every_step(order, length), last_step_mask(batch_size, length)
