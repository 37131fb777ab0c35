"""Vanishing and exploding RNNs: two tanh units whose W_hh turns the state and scales it by ρ.

W_hh = ρ · R(30°) has both eigenvalues ρ·e^{±i·30°} and both singular values ρ, so its spectral
radius and its largest stretch are the same number: ‖∂h_T/∂h_t‖ ≤ ρ^(T−t), with near-equality
while the state is small enough for tanh to be a straight line (tanh′ ≈ 1).
"""

from __future__ import annotations

import math

import numpy as np

from ..core import RNNParams
from .preset import Episode, Preset, check_length

TURN = math.pi / 6  # 30° per step: the pulse travels between the two units instead of sitting in one
VANISHING_RHO = 0.8  # shrinks the state (and the gradient) to 80 % per step
EXPLODING_RHO = 1.2  # stretches both by 20 % per step
VANISHING_PULSE = 1.0  # a full-size kick: watch it fade
EXPLODING_PULSE = 1e-5  # a whisper: ×1.2⁴⁹ ≈ 7600 keeps the default state below 0.1, where tanh' ≈ 1
DEFAULT_LENGTH = 50
TENTH = 0.1  # the vanishing preset points at the first step where less than a tenth of the pulse is left
CHANNELS = ("pulse",)


def spiral_rnn(rho: float) -> RNNParams:
    """H = 2, D = 1: W_hh = ρ·[[cos θ, −sin θ], [sin θ, cos θ]], the pulse enters unit 0, no biases."""
    rotation = np.array([[math.cos(TURN), -math.sin(TURN)], [math.sin(TURN), math.cos(TURN)]])
    return RNNParams(
        weight_ih=np.array([[1.0], [0.0]]), weight_hh=rho * rotation, bias_ih=np.zeros(2), bias_hh=np.zeros(2)
    )


def pulse_episode(pulse: float, focus: str):
    """An Episode maker: ``pulse`` at step 0, silence after; the seed is ignored (nothing is random)."""

    def make(length: int, seed: int = 0) -> Episode:
        length = check_length(length, 2, "vanishing/exploding RNN")
        inputs = np.zeros((length, 1))
        inputs[0, 0] = pulse
        labels = (f"pulse {pulse:g}",) + ("·",) * (length - 1)
        step = length - 1 if focus == "last" else min(length - 1, math.ceil(math.log(TENTH) / math.log(VANISHING_RHO)))
        return Episode(inputs, labels, step)

    return make


VANISHING_STORY = (
    "This RNN has two units and no gates. Its recurrent matrix is W_hh = 0.8 × (a rotation by 30°): each "
    "step it turns the state a twelfth of a circle and shrinks it to 80 %, so its spectral radius, the size "
    "of its largest eigenvalue, is 0.8. A single pulse at step 0 sets the state spiralling inward: after "
    "11 steps less than a tenth of it is left, after 50 steps about 0.00001, and tanh only shrinks it "
    "further. The gradient travels the same road backwards: ∂h_T/∂h_t is a product of T − t copies of "
    "diag(1 − h²)·W_hh, so its size is at most 0.8^(T − t). A loss at the last step can barely tell what "
    "happened 30 steps earlier (0.8³⁰ ≈ 0.001): that is the vanishing gradient, and it is why a vanilla "
    "RNN struggles to learn anything that needs a long memory."
)

EXPLODING_STORY = (
    "The same two-unit RNN with W_hh = 1.2 × (a rotation by 30°): spectral radius 1.2, so every step "
    "stretches the state by 20 %. We start it with a whisper, a pulse of 0.00001, and watch it spiral "
    "outwards: 1.2⁴⁹ ≈ 7600 times larger by step 49. While the state is this small, tanh is almost a "
    "straight line (tanh′ ≈ 1) and the backward pass multiplies the gradient by 1.2 at every step back, "
    "so a loss at the last step has a gradient thousands of times larger at step 0 than at step 49. "
    "That is the exploding gradient: one update along it throws the weights far away, which is why RNN "
    "training clips gradients. Give it a bigger kick and the state reaches tanh's flat ends, where "
    "tanh′ ≈ 0 tames the growth: the explosion lives where the units are not saturated."
)

VANISHING = Preset.build(
    name="vanishing_rnn",
    title="Vanishing RNN: spectral radius 0.8, a pulse fades and so does its gradient",
    story=VANISHING_STORY,
    params=spiral_rnn(VANISHING_RHO),
    input_labels=CHANNELS,
    focus_unit=0,
    make_episode=pulse_episode(VANISHING_PULSE, focus="tenth"),
    length=DEFAULT_LENGTH,
)

EXPLODING = Preset.build(
    name="exploding_rnn",
    title="Exploding RNN: spectral radius 1.2, a whisper grows and so does its gradient",
    story=EXPLODING_STORY,
    params=spiral_rnn(EXPLODING_RHO),
    input_labels=CHANNELS,
    focus_unit=0,
    make_episode=pulse_episode(EXPLODING_PULSE, focus="last"),
    length=DEFAULT_LENGTH,
)
