"""Hand-set weights a reader can check: named gate levels, and a one-unit LSTM wired gate by gate.

A gate's activation is σ(pre-activation), so a weight matters only through where it puts the
pre-activation: far positive means open, far negative means shut.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from ..core import LSTMParams

OPEN = 10.0  # σ(10) ≈ 0.99995: a gate this far positive lets through all but 0.005 %
CLOSED = -10.0  # σ(−10) ≈ 0.00005: a gate this far negative lets through only 0.005 %
SWING = OPEN - CLOSED  # a 0/1 input weighted by ±SWING flips a gate from CLOSED to OPEN or back


@dataclass(frozen=True)
class GateWiring:
    """One gate of a one-unit LSTM: z = bias + Σ_channel weight · x[channel] (no weight from h)."""

    bias: float
    weights: Mapping[str, float] = field(default_factory=dict)


def one_unit_lstm(
    channels: tuple[str, ...], *, i: GateWiring, f: GateWiring, g: GateWiring, o: GateWiring
) -> LSTMParams:
    """LSTMParams with H = 1 and D = len(channels), built from the four gates (order i, f, g, o).

    weight_hh is zero: the unit never reads its own h, so the cell alone carries the memory and
    every gate is a function of the current input only. The bias goes in ``bias_ih``; ``bias_hh`` is 0.
    """
    weight_ih = np.zeros((4, len(channels)))
    bias_ih = np.zeros(4)
    for row, gate in enumerate((i, f, g, o)):
        unknown = set(gate.weights) - set(channels)
        if unknown:
            raise ValueError(
                f"gate {'ifgo'[row]} is wired to unknown channels {sorted(unknown)}; channels: {channels}."
            )
        bias_ih[row] = gate.bias
        for channel, weight in gate.weights.items():
            weight_ih[row, channels.index(channel)] = weight
    return LSTMParams(weight_ih=weight_ih, weight_hh=np.zeros((4, 1)), bias_ih=bias_ih, bias_hh=np.zeros(4))
