"""How far back the LSTM's cell gradient reaches at init: the issue's "factor 10 over 100 steps" claim, measured.

For each forget bias and seed, on the gradient story's own setup (H = 16, T = 100, N(0, 1) inputs), the
ratio ‖∂L/∂c_t‖ / ‖∂L/∂c_T‖ along the lag: its minimum over the 100 steps, and the longest lag up to which
it never falls below 1/10. Along the cell alone each step back multiplies by f = σ(b_f + …), so σ(3)^99 ≈
0.008 predicts that bias 3 cannot keep a factor 10 over 100 steps, and σ(5)^99 ≈ 0.51 that bias 5 can.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..analysis import gradient_story

STEPS = 100
SEEDS = tuple(range(10))
FORGET_BIASES = (3.0, 5.0)
FACTOR = 10.0


@dataclass(frozen=True)
class CellGradientReach:
    """One (forget bias, seed): min_ratio = min_t ‖∂L/∂c_t‖ / ‖∂L/∂c_T‖; within_factor_lag = the longest lag L
    with every ratio at lags ≤ L at least 1/FACTOR (STEPS − 1 when it holds all the way)."""

    forget_bias: float
    seed: int
    min_ratio: float
    within_factor_lag: int


def reach(dc_norm: np.ndarray, lag: np.ndarray, factor: float = FACTOR) -> tuple[float, int]:
    """(min ratio to the last value, longest lag within ``factor``) of one ‖∂L/∂c_t‖ curve."""
    ratio = dc_norm / dc_norm[lag == 0][0]
    below = lag[ratio < 1.0 / factor]
    return float(ratio.min()), int(below.min() - 1 if below.size else lag.max())


def cell_gradient_reach(forget_biases=FORGET_BIASES, seeds=SEEDS, steps: int = STEPS) -> list[CellGradientReach]:
    rows = []
    for seed in seeds:
        story = gradient_story(T=steps, seed=seed, spectral_radii=(), forget_biases=forget_biases)
        for curve in story.lstm:
            low, lag = reach(curve.flow.dc_norm, curve.flow.lag)
            rows.append(CellGradientReach(curve.knob_value, seed, low, lag))
    return rows
