"""Is a gradient curve a steady geometric decay? The fitted per-step factor ρ, and whether a line describes it.

norm(lag) ≈ C·ρ^lag is a straight line of log10 norm against the lag. It is fitted by least squares from lag 1
on: lag 0 is the loss's own seed, and an LSTM's first step back (from h_T through the gates) is a one-off drop,
not its per-step rate. The decay is *steady*, and ρ a fair summary, when
  * no single step back moves the norm more than a decade (×10) beyond what ρ predicts: no cliff, no spike; and
  * no fitted point lies farther from the line than a decade, or a tenth of the decades the line spans if that
    is more (a long noisy product wanders ~√T decades from its line; a curve that bends wanders further).
A staircase (a cell wiped by a shut forget gate every 20 steps) fails the first test at any length; a curve
that holds and then explodes fails the second. Such a curve is described by its cliffs, or by a knee: the two
lines, meeting at one lag, that fit it best.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

FIRST_FIT_LAG = 1  # lag 0 is the seed ‖∂L/∂h_T‖ = 1, not a step back
CLIFF_DECADES = 1.0  # one step back moving the norm ×10 more than ρ does is a cliff (or a spike)
STEADY_DECADES = 1.0  # a line within ×10 of every point describes the curve...
SPAN_FRACTION = 0.1  # ...or within a tenth of the decades it spans, for lines spanning over 10 decades
MIN_KNEE_SIDE = 3  # points on each side of a knee: fewer is a cliff, not a second rate


@dataclass(frozen=True)
class Cliff:
    """One step back, from lag − 1 to ``lag``, that multiplied the norm by ``factor`` (≥ ×10 off the rate)."""

    lag: int
    factor: float


@dataclass(frozen=True)
class Knee:
    """Two geometric pieces: ``rate_before`` per step up to ``lag``, ``rate_after`` beyond it."""

    lag: int
    rate_before: float
    rate_after: float


@dataclass(frozen=True)
class DecayFit:
    """The fit of norm(lag) ≈ C·ρ^lag and how well it describes the curve.

    rate: ρ (NaN with fewer than two fitted points); miss_decades: the largest |log10 norm − line| over them;
    cliffs: single steps ≥ ×10 off the rate; knee: the best two-line description (only for a curve with no
    cliffs that a line misses); first_lag, last_lag, change: the drawable (finite, nonzero) range and
    norm(last_lag) / norm(first_lag) across it.
    """

    rate: float
    steady: bool
    miss_decades: float
    cliffs: tuple[Cliff, ...]
    knee: Knee | None
    first_lag: int
    last_lag: int
    change: float

    @property
    def steps(self) -> int:
        return self.last_lag - self.first_lag


def fit_decay(lag: np.ndarray, values: np.ndarray, max_lag: int | None = None) -> DecayFit:
    """Fit ``values: (T,)`` (a norm per step) against ``lag: (T,)`` and judge the fit; see the module docstring."""
    lag, values = np.asarray(lag), np.asarray(values, dtype=float)
    keep = np.isfinite(values) & (values > 0)
    if max_lag is not None:
        keep &= lag <= max_lag
    order = np.argsort(lag[keep], kind="stable")
    x, y = lag[keep][order].astype(np.int64), np.log10(values[keep][order])
    first, last = (int(x[0]), int(x[-1])) if x.size else (0, 0)
    change = float(10 ** (y[-1] - y[0])) if x.size else float("nan")
    fitted = x >= FIRST_FIT_LAG
    x, y = x[fitted], y[fitted]
    if x.size < 2:
        return DecayFit(float("nan"), False, float("nan"), (), None, first, last, change)
    slope, intercept = np.polyfit(x.astype(float), y, 1)
    miss = float(np.max(np.abs(y - (slope * x + intercept))))
    cliffs = _cliffs(x, y, slope)
    span = abs(slope) * float(x[-1] - x[0])
    steady = bool(not cliffs and miss <= max(STEADY_DECADES, SPAN_FRACTION * span))
    knee = None if steady or cliffs else _knee(x, y)
    return DecayFit(float(10**slope), steady, miss, cliffs, knee, first, last, change)


def _cliffs(x: np.ndarray, y: np.ndarray, slope: float) -> tuple[Cliff, ...]:
    """Steps between neighbouring lags whose change in log10 departs from ``slope`` by more than CLIFF_DECADES."""
    step = np.diff(y)
    neighbours = np.diff(x) == 1
    off = neighbours & (np.abs(step - slope) > CLIFF_DECADES)
    return tuple(Cliff(int(x[i + 1]), float(10 ** step[i])) for i in np.flatnonzero(off))


def _knee(x: np.ndarray, y: np.ndarray) -> Knee | None:
    """The lag where a line up to it and another from it fit (x, y) with the least squared error, and their ρ."""
    if x.size < 2 * MIN_KNEE_SIDE - 1:
        return None
    ks = np.arange(MIN_KNEE_SIDE - 1, x.size - MIN_KNEE_SIDE + 1)  # the knee's point belongs to both pieces
    head, tail = _prefix_lines(x, y), _prefix_lines(x[::-1], y[::-1])
    before, after = (head[0][ks], head[1][ks]), (tail[0][x.size - 1 - ks], tail[1][x.size - 1 - ks])
    best = int(np.argmin(before[1] + after[1]))
    return Knee(int(x[ks[best]]), float(10 ** before[0][best]), float(10 ** after[0][best]))


def _prefix_lines(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(slope, squared error) of the least-squares line through the first m + 1 points, for every m."""
    x = x.astype(float) - x[0]  # shifted: the sums stay small and exact enough
    count = np.arange(1, x.size + 1)
    sx, sy = np.cumsum(x), np.cumsum(y)
    sxx = np.cumsum(x * x) - sx**2 / count
    sxy = np.cumsum(x * y) - sx * sy / count
    syy = np.cumsum(y * y) - sy**2 / count
    with np.errstate(divide="ignore", invalid="ignore"):
        slope = np.where(sxx > 0, sxy / sxx, 0.0)
        error = np.where(sxx > 0, syy - sxy * slope, 0.0)
    return slope, np.maximum(error, 0.0)
