"""Next-step prediction of a noisy sine wave: regression, scored at every step."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .task import Task, check_float

NYQUIST_PERIOD = 2.0  # a wave sampled once per step needs a period of at least 2 steps to be seen as a wave
MAX_PERIOD = 1000.0
MAX_NOISE_STD = 1.0  # beyond the wave's own amplitude the lesson is about noise, not waves


@dataclass(frozen=True)
class SineTask(Task):
    """s_t = sin(2π t / P + φ) + ε_t, with P ~ U(min_period, max_period), φ ~ U(0, 2π), ε_t ~ N(0, noise_std²)
    drawn per sequence and per step.

    x: (B, T, 1) = s_0 … s_{T−1};  y: (B, T, 1) = s_1 … s_T (the next input);  mask: all ones.
    """

    noise_std: float = 0.05
    min_period: float = 10.0
    max_period: float = 30.0

    name = "sine"
    title = "Noisy sine wave"
    kind = "regression"
    input_encoding = "values"
    min_length = 2
    default_length = 60

    def __post_init__(self):
        object.__setattr__(self, "noise_std", check_float(self.noise_std, "noise_std", 0.0, MAX_NOISE_STD))
        object.__setattr__(self, "min_period", check_float(self.min_period, "min_period", NYQUIST_PERIOD, MAX_PERIOD))
        object.__setattr__(self, "max_period", check_float(self.max_period, "max_period", self.min_period, MAX_PERIOD))

    @property
    def input_labels(self) -> tuple[str, ...]:
        return ("signal",)

    @property
    def output_labels(self) -> tuple[str, ...]:
        return ("next value",)

    @property
    def description(self) -> str:
        return (
            f"Noisy sine wave (period {self.min_period:g}–{self.max_period:g} steps, noise σ = {self.noise_std:g}): "
            "predict the next value at every step."
        )

    def _generate(self, rng, batch_size, length):
        period = rng.uniform(self.min_period, self.max_period, size=(batch_size, 1))
        phase = rng.uniform(0.0, 2 * np.pi, size=(batch_size, 1))
        steps = np.arange(length + 1)
        signal = np.sin(2 * np.pi * steps / period + phase)
        signal += self.noise_std * rng.standard_normal((batch_size, length + 1))
        return signal[:, :-1, None], signal[:, 1:, None], np.ones((batch_size, length))
