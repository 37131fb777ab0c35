"""numba kernels of the vanilla (Elman, tanh) RNN, PyTorch ``nn.RNN`` layout:
a_t = W_ih x_t + W_hh h_{t-1} + b,    h_t = tanh(a_t)
As for the LSTM, the weight gradients are BLAS products over all steps at once.
"""

from __future__ import annotations

import numpy as np

from ._jit import kernel
from .activations import tanh
from .shared_kernels import add_rows_mat, add_rows_mat_t, add_vec_mat, input_projection, read_only, weight_grads


@kernel(vector=True)
def rnn_forward_kernel(x, weight_ih, weight_hh, bias, h0):
    """x: (T, B, D); weight_ih: (H, D); weight_hh: (H, H); bias: (H,); h0: (B, H) -> a, h (T, B, H)."""
    steps, batch, hidden = x.shape[0], x.shape[1], h0.shape[1]
    a = input_projection(x, weight_ih, bias)
    h = np.empty_like(a)
    weight_hh_t = np.ascontiguousarray(weight_hh.T)
    h_start = h0.copy()  # writeable like h[t], so numba unifies the types
    for t in range(steps):
        add_rows_mat(a[t], h[t - 1] if t > 0 else h_start, weight_hh_t)
        for b in range(batch):
            for j in range(hidden):
                h[t, b, j] = tanh(a[t, b, j])
    return a, h


@kernel(vector=True)
def rnn_bptt(weight_hh, h, dh):
    """The sequential part of BPTT. dh: (T, B, H) direct per-step ∂ℓ/∂h_t.

        ∂L/∂h_t = dh_t + W_hh^T ∂L/∂a_{t+1},    ∂L/∂a_t = ∂L/∂h_t ⊙ (1 − h_t²)
    Returns dh_total, da (T, B, H); dh0 (B, H).
    """
    steps, batch, hidden = h.shape
    dh_total = np.empty_like(h)
    da = np.empty_like(h)
    dh0 = np.zeros((batch, hidden), dtype=h.dtype)
    weight_hh_t = np.ascontiguousarray(weight_hh.T)
    dh_total[steps - 1] = dh[steps - 1]
    for t in range(steps - 1, -1, -1):
        for b in range(batch):
            for j in range(hidden):
                da[t, b, j] = dh_total[t, b, j] * (1.0 - h[t, b, j] * h[t, b, j])
        dh_prev = dh_total[t - 1] if t > 0 else dh0
        if t > 0:
            dh_prev[:] = dh[t - 1]
        add_rows_mat_t(dh_prev, da[t], weight_hh, weight_hh_t)
    return dh_total, da, dh0


def rnn_backward_kernel(x, weight_ih, weight_hh, h0, h, dh):
    """BPTT. dh: (T, B, H) direct per-step ∂ℓ/∂h_t.

    Returns dh_total, da (T, B, H); dx (T, B, D); dh0 (B, H); dW_ih, dW_hh, db summed over the batch.
    """
    dh_total, da, dh0 = rnn_bptt(read_only(weight_hh), read_only(h), read_only(dh))
    d_weight_ih, d_weight_hh, d_bias, dx = weight_grads(da, x, h0, h, weight_ih)
    return dh_total, da, dx, dh0, d_weight_ih, d_weight_hh, d_bias


@kernel(vector=True)
def rnn_jacobians(weight_hh, h):
    """∂h_T/∂h_t for every t of one sequence -> (T, H, H); h: (T, H).

    ∂h_T/∂h_t = ∏_{s=t+1..T} diag(1 − h_s²) W_hh, accumulated from the end.
    """
    steps, hidden = h.shape
    d_h = np.eye(hidden, dtype=h.dtype)
    jacobians = np.empty((steps, hidden, hidden), dtype=h.dtype)
    for t in range(steps - 1, -1, -1):
        jacobians[t] = d_h
        for k in range(hidden):
            for j in range(hidden):
                d_h[k, j] *= 1.0 - h[t, j] * h[t, j]
        d_prev = np.zeros_like(d_h)
        for k in range(hidden):
            add_vec_mat(d_prev[k], d_h[k], weight_hh)
        d_h = d_prev
    return jacobians
