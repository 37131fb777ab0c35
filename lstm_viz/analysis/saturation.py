"""Gate saturation: how often each LSTM gate sits shut (< 0.1) or wide open (> 0.9).

After Karpathy, Johnson & Fei-Fei, "Visualizing and understanding recurrent networks" (2015),
which plots every unit as a point (fraction of steps left-saturated, fraction right-saturated).
A gate that lives at the edges is making decisions; one near 0.5 is blending.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..core import LSTMTrace

LOW = 0.1  # below this a gate counts as shut ("left-saturated")
HIGH = 0.9  # above this, wide open ("right-saturated")
GATE_NAMES = ("i", "f", "o")  # the σ gates; g is the tanh candidate, not a gate


@dataclass(frozen=True, eq=False)
class GateSaturation:
    """One gate's saturation: per hidden unit, the fraction of steps below ``LOW`` / above ``HIGH``."""

    gate: str
    low: np.ndarray  # (H,) fraction of steps with gate < low threshold
    high: np.ndarray  # (H,) fraction of steps with gate > high threshold

    @property
    def unsaturated(self) -> np.ndarray:
        """(H,) fraction of steps in between."""
        return 1.0 - self.low - self.high

    @property
    def overall_low(self) -> float:
        """Fraction of all (step, unit) values below the low threshold."""
        return float(np.mean(self.low))

    @property
    def overall_high(self) -> float:
        """Fraction of all (step, unit) values above the high threshold."""
        return float(np.mean(self.high))


@dataclass(frozen=True, eq=False)
class Saturation:
    """Saturation of the input, forget and output gates of one trace (or a batch of traces)."""

    i: GateSaturation
    f: GateSaturation
    o: GateSaturation
    low_threshold: float
    high_threshold: float
    samples: int  # values counted per unit: T, or B·T for a batch

    def __getitem__(self, gate: str) -> GateSaturation:
        if gate not in GATE_NAMES:
            raise KeyError(f"no saturation for {gate!r}; the gates are {', '.join(GATE_NAMES)}.")
        return getattr(self, gate)

    @property
    def gates(self) -> tuple[GateSaturation, ...]:
        return (self.i, self.f, self.o)


def gate_saturation(trace: LSTMTrace, low: float = LOW, high: float = HIGH) -> Saturation:
    """Fractions of steps each gate spends < ``low`` or > ``high``, per unit; trace (T, H) or (B, T, H)."""
    if not isinstance(trace, LSTMTrace):
        raise ValueError(
            f"gate saturation needs an LSTMTrace (a vanilla RNN has no gates), not {type(trace).__name__}."
        )
    if not 0.0 <= low < high <= 1.0:
        raise ValueError(f"the thresholds must satisfy 0 <= low < high <= 1, got low={low!r}, high={high!r}.")
    per_gate = {}
    for name in GATE_NAMES:
        values = getattr(trace, name).reshape(-1, trace.hidden_size)  # (samples, H), batch and time pooled
        per_gate[name] = GateSaturation(name, low=np.mean(values < low, axis=0), high=np.mean(values > high, axis=0))
    samples = trace.i.size // trace.hidden_size
    return Saturation(**per_gate, low_threshold=float(low), high_threshold=float(high), samples=samples)
