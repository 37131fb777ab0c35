"""numba kernels of the vanilla (Elman, tanh) RNN, PyTorch ``nn.RNN`` layout:
a_t = W_ih x_t + W_hh h_{t-1} + b,    h_t = tanh(a_t)
"""

from __future__ import annotations

import numpy as np

from ._jit import kernel
from .shared_kernels import add_vec_mat, input_projection, weight_grads


@kernel
def rnn_forward_kernel(x, weight_ih, weight_hh, bias, h0):
    """x: (T, B, D); weight_ih: (H, D); weight_hh: (H, H); bias: (H,); h0: (B, H) -> a, h (T, B, H)."""
    steps, batch, _ = x.shape
    hidden = h0.shape[1]
    a = input_projection(x, weight_ih, bias)
    h = np.empty_like(a)
    weight_hh_t = np.ascontiguousarray(weight_hh.T)
    h_prev = h0.copy()  # writable like h[t], so numba unifies the types
    for t in range(steps):
        for b in range(batch):
            add_vec_mat(a[t, b], h_prev[b], weight_hh_t)
            for j in range(hidden):
                h[t, b, j] = np.tanh(a[t, b, j])
        h_prev = h[t]
    return a, h


@kernel
def rnn_backward_kernel(x, weight_ih, weight_hh, h0, h, dh):
    """BPTT. dh: (T, B, H) direct per-step ∂ℓ/∂h_t.

        ∂L/∂h_t = dh_t + W_hh^T ∂L/∂a_{t+1},    ∂L/∂a_t = ∂L/∂h_t ⊙ (1 − h_t²)
    Returns dh_total, da (T, B, H); dx (T, B, D); dh0 (B, H); dW_ih, dW_hh, db summed over the batch.
    """
    steps, batch, hidden = h.shape
    dh_total = np.empty_like(h)
    da = np.empty_like(h)
    dh_next = np.zeros_like(h0)
    for t in range(steps - 1, -1, -1):
        for b in range(batch):
            for j in range(hidden):
                dh_total[t, b, j] = dh[t, b, j] + dh_next[b, j]
                da[t, b, j] = dh_total[t, b, j] * (1.0 - h[t, b, j] * h[t, b, j])
        dh_next[:] = 0.0
        for b in range(batch):
            add_vec_mat(dh_next[b], da[t, b], weight_hh)
    d_weight_ih, d_weight_hh, d_bias, dx = weight_grads(da, x, h0, h, weight_ih)
    return dh_total, da, dx, dh_next, d_weight_ih, d_weight_hh, d_bias


@kernel
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
