"""Reading traces for figures: pick one sequence, check a step and a unit, fetch a quantity, bound its scale.

Figures never write to the arrays they are given; everything here returns views or new arrays.
"""

from __future__ import annotations

from dataclasses import fields

import numpy as np

from .palette import TANH_BOUNDED_KEYS, UNIT_INTERVAL_KEYS

LSTM_QUANTITIES = ("i", "f", "g", "o", "c", "h")
RNN_QUANTITIES = ("a", "h")


def is_lstm(trace) -> bool:
    return hasattr(trace, "c") and hasattr(trace, "f")


def single_sequence(trace, sample: int = 0):
    """The trace of one sequence: ``trace`` itself if its arrays are (T, H), else sequence ``sample`` of a batch."""
    if trace.h.ndim == 2:
        return trace
    if trace.h.ndim != 3:
        raise ValueError(f"expected a trace with h of shape (T, H) or (B, T, H), got {trace.h.shape}.")
    batch = trace.h.shape[0]
    if not 0 <= int(sample) < batch:
        raise ValueError(f"sample must be in [0, {batch - 1}] for a batch of {batch} sequences, got {sample}.")
    return type(trace)(**{f.name: getattr(trace, f.name)[int(sample)] for f in fields(trace)})


def check_index(value, size: int, name: str, what: str) -> int:
    """``value`` as an int in [0, size), or a clear ValueError."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name} must be a whole number, got {value!r}.")
    if not 0 <= value < size:
        raise ValueError(f"{name} must be in [0, {size - 1}] ({size} {what}), got {value}.")
    return int(value)


def check_step(trace, t) -> int:
    return check_index(t, trace.steps, "t", "steps")


def check_unit(trace, unit) -> int:
    return check_index(unit, trace.hidden_size, "unit", "hidden units")


def quantity(trace, key: str) -> np.ndarray:
    """The (T, H) array named ``key`` ("i", "f", "c", "kept", "a", ...) of a single-sequence trace."""
    value = getattr(trace, key, None)
    if not isinstance(value, np.ndarray) or value.shape != trace.h.shape:
        kind = "LSTM" if is_lstm(trace) else "RNN"
        known = (*LSTM_QUANTITIES, "tanh_c", "kept", "written") if is_lstm(trace) else RNN_QUANTITIES
        raise ValueError(f"an {kind} trace has no per-unit quantity {key!r}; choose from {', '.join(known)}.")
    return value


def is_gate(key: str) -> bool:
    return key in UNIT_INTERVAL_KEYS


def value_range(key: str, values: np.ndarray) -> tuple[float, float]:
    """The colour/axis range of a quantity: [0, 1] for gates, [-1, 1] for tanh outputs, else a nice ±max|v|."""
    if key in UNIT_INTERVAL_KEYS:
        return 0.0, 1.0
    if key in TANH_BOUNDED_KEYS:
        return -1.0, 1.0
    finite = np.abs(values[np.isfinite(values)])
    bound = nice_ceil(float(finite.max())) if finite.size and finite.max() > 0 else 1.0
    return -bound, bound


def nice_ceil(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10^k that is ≥ ``value`` (> 0): axis bounds people can read."""
    power = 10.0 ** np.floor(np.log10(value))
    for step in (1.0, 2.0, 2.5, 5.0, 10.0):
        if step * power >= value * (1 - 1e-12):
            return float(step * power)
    return float(10 * power)
