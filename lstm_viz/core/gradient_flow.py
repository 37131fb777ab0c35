"""How far back a last-step loss reaches: the heart of the RNN-vs-LSTM lesson.

For L = u · h_T (u = dh_last, a unit vector by default) we report, for every step t,
‖∂L/∂h_t‖, ‖∂L/∂c_t‖ (LSTM) and the spectral norm of the Jacobian ‖∂h_T/∂h_t‖₂.
A vanilla RNN multiplies T − t Jacobians diag(1 − h²) W_hh, so its gradient shrinks or grows
geometrically; the LSTM's cell path multiplies by f_t instead, which the forget gate can hold near 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .decay_fit import DecayFit, fit_decay
from .dispatch import backward, forward
from .layout import frozen
from .lstm_kernels import lstm_jacobians
from .params import LSTMParams
from .rnn_kernels import rnn_jacobians
from .validate import as_float_array, check_shape


@dataclass(frozen=True, eq=False)
class GradientFlow:
    """Per-step gradient norms for a loss at the last step; index t = 0..T-1, lag = T − 1 − t."""

    model: str  # "lstm" or "rnn"
    lag: np.ndarray  # (T,) int
    dh_norm: np.ndarray  # (T,) ‖∂L/∂h_t‖₂
    dc_norm: np.ndarray | None  # (T,) ‖∂L/∂c_t‖₂ (LSTM only)
    jacobian_norm: np.ndarray | None  # (T,) ‖∂h_T/∂h_t‖₂ (None when not asked for)
    finite: np.ndarray  # (T,) bool: every value at step t is finite
    overflow_step: int | None  # latest t whose values overflowed (inf/NaN), None if all finite

    @property
    def steps(self) -> int:
        return self.lag.shape[0]

    def decay_fit(self, quantity: str = "dh_norm", max_lag: int | None = None) -> DecayFit:
        """The fit norm(lag) ≈ C·ρ^lag of ``quantity`` over the finite, nonzero values with lag ≤ ``max_lag``, and
        whether that line describes the curve (``steady``) or it falls in cliffs or bends (see ``core.decay_fit``)."""
        values = getattr(self, quantity)
        if values is None:
            raise ValueError(f"{quantity} is not available for this {self.model.upper()} gradient flow.")
        return fit_decay(self.lag, values, max_lag)

    def decay_rate(self, quantity: str = "dh_norm", max_lag: int | None = None) -> float:
        """The fitted per-step factor ρ in norm(lag) ≈ C·ρ^lag (least squares on log norm, from lag 1 on).

        Uses the finite, nonzero values with 1 ≤ lag ≤ ``max_lag``; NaN when fewer than two remain.
        """
        return self.decay_fit(quantity, max_lag).rate


def gradient_flow(params, x, h0=None, c0=None, dh_last=None, jacobian: bool = True) -> GradientFlow:
    """Backpropagate L = dh_last · h_T through ``x: (T, D)`` for an LSTM or a vanilla RNN.

    dh_last: (H,), default ones(H)/√H so that ‖∂L/∂h_T‖ = 1. ``jacobian=False`` skips the
    H-row Jacobian (cost T·H³). Overflow never raises: it shows up in ``finite``/``overflow_step``.
    """
    trace = forward(params, x, h0, c0)
    hidden, steps = params.hidden_size, trace.steps
    seed = _last_step_seed(dh_last, hidden, params.dtype)
    dh = np.zeros((steps, hidden), dtype=params.dtype)
    dh[-1] = seed
    with np.errstate(all="ignore"):
        grads = backward(params, trace.x, trace, dh)
        if isinstance(params, LSTMParams):
            dc_norm = _row_norms(grads.dc_total)
            jac = (
                _spectral_norms(lstm_jacobians(params.weight_hh, trace.c0, frozen(trace.gates), trace.c, trace.tanh_c))
                if jacobian
                else None
            )
        else:
            dc_norm = None
            jac = _spectral_norms(rnn_jacobians(params.weight_hh, trace.h)) if jacobian else None
        dh_norm = _row_norms(grads.dh_total)
    finite = np.isfinite(dh_norm)
    for extra in (dc_norm, jac):
        if extra is not None:
            finite &= np.isfinite(extra)
    bad = np.flatnonzero(~finite)
    return GradientFlow(
        model=params.kind,
        lag=np.arange(steps - 1, -1, -1),
        dh_norm=dh_norm,
        dc_norm=dc_norm,
        jacobian_norm=jac,
        finite=finite,
        overflow_step=int(bad[-1]) if bad.size else None,
    )


def _last_step_seed(dh_last, hidden: int, dtype) -> np.ndarray:
    if dh_last is None:
        return np.full(hidden, 1.0 / np.sqrt(hidden), dtype=dtype)
    seed = as_float_array(dh_last, "dh_last", dtype)
    check_shape(seed, (hidden,), "dh_last", "(H,)")
    return seed


def _row_norms(values: np.ndarray) -> np.ndarray:
    """‖values[t]‖₂ per row, scaled by the row's max so that entries beyond 1e154 don't overflow when
    squared; inf (not an exception) where a row itself overflowed."""
    values = values.astype(np.float64)
    finite = np.all(np.isfinite(values), axis=-1)
    scale = np.max(np.abs(np.where(np.isfinite(values), values, 0.0)), axis=-1, keepdims=True)
    scale[scale == 0] = 1.0
    out = scale[..., 0] * np.sqrt(np.sum((values / scale) ** 2, axis=-1))
    out[~finite] = np.inf
    return out


def _spectral_norms(jacobians: np.ndarray) -> np.ndarray:
    """‖J_t‖₂ = largest singular value of each (H, H) matrix of ``jacobians: (T, H, H)``; inf if it overflowed."""
    out = np.full(jacobians.shape[0], np.inf)
    ok = np.all(np.isfinite(jacobians), axis=(1, 2))
    if ok.any():
        out[ok] = np.linalg.svd(jacobians[ok].astype(np.float64), compute_uv=False)[:, 0]
    return out
