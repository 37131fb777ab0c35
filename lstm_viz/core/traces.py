"""What the kernels return, wrapped for teaching: every gate, state and gradient at every step.

Shapes are ``(T, H)`` for one sequence; the ``*_batch`` functions return the same classes with a
leading batch axis, ``(B, T, H)``. Time is always the second-to-last axis.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np


class _ReadOnlyArrays:
    """Freezes every array field, so a trace or gradient can be cached and shared safely."""

    def __post_init__(self):
        # Right after __init__ the instance dict holds exactly the fields (this runs on every pass).
        for value in vars(self).values():
            if isinstance(value, np.ndarray):
                value.setflags(write=False)


class _Trace(_ReadOnlyArrays):
    """What both models' traces share: h (T, H) after each step and h0 (H,) before the first."""

    @property
    def steps(self) -> int:
        return self.h.shape[-2]

    @property
    def hidden_size(self) -> int:
        return self.h.shape[-1]

    @property
    def h_prev(self) -> np.ndarray:
        """h_{t-1} entering each step, (T, H)."""
        return _shift_in(self.h0, self.h)


def _shift_in(first: np.ndarray, seq: np.ndarray) -> np.ndarray:
    """``[first, seq[0], ..., seq[T-2]]`` along the time axis: the value *entering* each step."""
    return np.concatenate([first[..., None, :], seq[..., :-1, :]], axis=-2)


@dataclass(frozen=True, eq=False)
class LSTMTrace(_Trace):
    """The forward pass of an LSTM, step by step (gate order i, f, g, o).

    i_t = σ(z_i)   f_t = σ(z_f)   g_t = tanh(z_g)   o_t = σ(z_o)
    z_t = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh           (preact: (T, 4H))
    c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t                       h_t = o_t ⊙ tanh(c_t)
    """

    x: np.ndarray  # (T, D)
    preact: np.ndarray  # (T, 4H) pre-activations z, gate order i, f, g, o
    i: np.ndarray  # (T, H) input gate
    f: np.ndarray  # (T, H) forget gate
    g: np.ndarray  # (T, H) candidate (cell input)
    o: np.ndarray  # (T, H) output gate
    c: np.ndarray  # (T, H) cell state after the step
    h: np.ndarray  # (T, H) hidden state after the step
    tanh_c: np.ndarray  # (T, H) tanh(c_t), as used for h (so h == o * tanh_c exactly)
    h0: np.ndarray  # (H,)
    c0: np.ndarray  # (H,)

    @property
    def c_prev(self) -> np.ndarray:
        """c_{t-1} entering each step, (T, H)."""
        return _shift_in(self.c0, self.c)

    @property
    def kept(self) -> np.ndarray:
        """f_t ⊙ c_{t-1}: what the forget gate lets through from the old cell, (T, H)."""
        return self.f * self.c_prev

    @property
    def written(self) -> np.ndarray:
        """i_t ⊙ g_t: what the input gate writes into the cell, (T, H)."""
        return self.i * self.g

    @cached_property
    def gates(self) -> np.ndarray:
        """Gate activations stacked like ``preact``: (T, 4H), order i, f, g, o (read-only).

        ``lstm_forward`` seeds this cache with the kernel's own stacked array (i, f, g, o are views
        of it), so the backward pass gets it without a copy.
        """
        stacked = np.concatenate([self.i, self.f, self.g, self.o], axis=-1)
        stacked.flags.writeable = False
        return stacked


@dataclass(frozen=True, eq=False)
class RNNTrace(_Trace):
    """The forward pass of a vanilla RNN: a_t = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh, h_t = tanh(a_t)."""

    x: np.ndarray  # (T, D)
    a: np.ndarray  # (T, H) pre-activation
    h: np.ndarray  # (T, H)
    h0: np.ndarray  # (H,)


@dataclass(frozen=True, eq=False)
class LSTMGrads(_ReadOnlyArrays):
    """Backpropagation through time of an LSTM for per-step loss terms ``dh`` = ∂ℓ/∂h_t (direct).

    ``dh_total[t]`` = ∂L/∂h_t and ``dc_total[t]`` = ∂L/∂c_t are the *total* gradients, including
    every path through later steps:
        ∂L/∂h_t = dh[t] + W_hh^T ∂L/∂z_{t+1}
        ∂L/∂c_t = ∂L/∂h_t ⊙ o_t ⊙ (1 − tanh²c_t) + ∂L/∂c_{t+1} ⊙ f_{t+1}
    The weight gradients carry the parameter names (``weight_ih`` = ∂L/∂W_ih, ...).
    """

    dh_total: np.ndarray  # (T, H)
    dc_total: np.ndarray  # (T, H)
    dpreact: np.ndarray  # (T, 4H) ∂L/∂z, the gate gradients before the nonlinearity
    dgates: np.ndarray  # (T, 4H) ∂L/∂(i, f, g, o), after the nonlinearity
    dx: np.ndarray  # (T, D)
    dh0: np.ndarray  # (H,)
    dc0: np.ndarray  # (H,)
    weight_ih: np.ndarray  # (4H, D)
    weight_hh: np.ndarray  # (4H, H)
    bias_ih: np.ndarray  # (4H,)
    bias_hh: np.ndarray  # (4H,)

    def arrays(self) -> dict[str, np.ndarray]:
        """The weight gradients by parameter name."""
        return {n: getattr(self, n) for n in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")}


@dataclass(frozen=True, eq=False)
class RNNGrads(_ReadOnlyArrays):
    """Backpropagation through time of a vanilla RNN: ∂L/∂h_t = dh[t] + W_hh^T (∂L/∂h_{t+1} ⊙ (1 − h²_{t+1}))."""

    dh_total: np.ndarray  # (T, H)
    da: np.ndarray  # (T, H) ∂L/∂a, gradient of the pre-activation
    dx: np.ndarray  # (T, D)
    dh0: np.ndarray  # (H,)
    weight_ih: np.ndarray  # (H, D)
    weight_hh: np.ndarray  # (H, H)
    bias_ih: np.ndarray  # (H,)
    bias_hh: np.ndarray  # (H,)

    def arrays(self) -> dict[str, np.ndarray]:
        """The weight gradients by parameter name."""
        return {n: getattr(self, n) for n in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")}
