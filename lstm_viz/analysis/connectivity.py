"""Input connectivity: how strongly each earlier input x_t still moves the answer y_T.

For a readout y_T (a head's outputs, or h_T itself) we report ‖∂y_T/∂x_t‖ for every step t,
after Madsen, "Visualizing memorization in RNNs" (Distill, 2019). The gradients are exact: one
backward pass of the core per readout row, seeded with ∂y_r/∂h_T, returns ∂y_r/∂x_t as ``dx``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from ..core import backward, forward


@dataclass(frozen=True, eq=False)
class Connectivity:
    """‖∂y_T/∂x_t‖ for t = 0..T−1 (lag = T − 1 − t).

    jacobian: (R, T, D), ∂y_r/∂x_t for each of the R readout rows.
    norm: (T,), the Frobenius norm of the (R, D) Jacobian at each step; with one row (one head
        output, one unit, or the sum of h_T) it is the Euclidean norm of the gradient ∂y/∂x_t.
    y: (R,), the readout's value at the last step.
    readout: what y_T is, in words.
    """

    jacobian: np.ndarray
    norm: np.ndarray
    lag: np.ndarray
    y: np.ndarray
    readout: str

    @property
    def steps(self) -> int:
        return self.norm.shape[0]


def input_connectivity(params, x, head: Mapping | None = None, output: int | None = None, unit: int | None = None,
                       h0=None, c0=None) -> Connectivity:  # fmt: skip
    """‖∂y_T/∂x_t‖ for every t of ``x: (T, D)``, for an LSTM or a vanilla RNN.

    With ``head = {'head_weight': (O, H), 'head_bias': (O,)}``: y_T = head_weight h_T + head_bias,
    all O outputs (Frobenius norm, O backward passes) or only ``output``. Without a head:
    y_T = Σ_j h_T[j], or h_T[unit] when ``unit`` is given.
    """
    trace = forward(params, x, h0, c0)
    rows, offsets, readout = readout_rows(params.hidden_size, head, output, unit)
    h_last = trace.h[-1]
    jacobian = np.stack([_input_gradient(params, trace, row) for row in rows])
    norm = np.sqrt(np.sum(jacobian**2, axis=(0, 2)))
    steps = trace.steps
    return Connectivity(
        jacobian=jacobian, norm=norm, lag=np.arange(steps - 1, -1, -1), y=rows @ h_last + offsets, readout=readout
    )


def readout_rows(hidden: int, head: Mapping | None, output: int | None, unit: int | None):
    """The readout as y = rows @ h_T + offsets: rows (R, H), offsets (R,), and its description."""
    if head is None:
        if output is not None:
            raise ValueError("output= picks a row of a readout head; without a head, pick a hidden unit with unit=.")
        if unit is None:
            return np.ones((1, hidden)), np.zeros(1), "y = Σ_j h_T[j], the sum of the last hidden state"
        _check_index(unit, hidden, "unit", "hidden units")
        return np.eye(hidden)[[unit]], np.zeros(1), f"y = h_T[{unit}], hidden unit {unit} at the last step"
    if unit is not None:
        raise ValueError("unit= reads h_T directly; with a readout head, pick one of its outputs with output=.")
    weight, bias = _check_head(head, hidden)
    if output is not None:
        _check_index(output, weight.shape[0], "output", "head outputs")
        return weight[[output]], bias[[output]], f"y = output {output} of the readout head"
    if weight.shape[0] == 1:
        return weight, bias, "y = the readout head's output"
    return weight, bias, f"y = all {weight.shape[0]} readout-head outputs (Frobenius norm of the Jacobian)"


def _input_gradient(params, trace, row: np.ndarray) -> np.ndarray:
    """∂(row · h_T)/∂x_t for every t: (T, D), from one backward pass with ∂ℓ/∂h_T = row."""
    dh = np.zeros_like(trace.h)
    dh[-1] = row
    return backward(params, trace.x, trace, dh).dx


def _check_head(head: Mapping, hidden: int) -> tuple[np.ndarray, np.ndarray]:
    if not isinstance(head, Mapping) or not {"head_weight", "head_bias"} <= set(head):
        raise ValueError("head must be a mapping with 'head_weight' (O, H) and 'head_bias' (O,).")
    weight = np.asarray(head["head_weight"], dtype=np.float64)
    bias = np.asarray(head["head_bias"], dtype=np.float64)
    if weight.ndim != 2 or weight.shape[0] == 0 or weight.shape[1] != hidden or bias.shape != weight.shape[:1]:
        raise ValueError(
            f"the head must have head_weight (O, {hidden}) and head_bias (O,), but they have shapes "
            f"{weight.shape} and {bias.shape}."
        )
    if not (np.all(np.isfinite(weight)) and np.all(np.isfinite(bias))):
        raise ValueError("the head's weights must be finite numbers.")
    return weight, bias


def _check_index(value, count: int, name: str, what: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or not 0 <= value < count:
        raise ValueError(
            f"{name} must be a whole number from 0 to {count - 1} (there are {count} {what}), got {value!r}."
        )
