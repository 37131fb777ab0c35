"""numba kernels of the LSTM: forward, backpropagation through time, and the Jacobian ∂h_T/∂h_t.

Time-major plain arrays, gate order (i, f, g, o) along the 4H axis, as in PyTorch's ``nn.LSTM``:
    z_t = W_ih x_t + W_hh h_{t-1} + b        i, f, o = σ(z_i, z_f, z_o)    g = tanh(z_g)
    c_t = f ⊙ c_{t-1} + i ⊙ g                h_t = o ⊙ tanh(c_t)
"""

from __future__ import annotations

import numpy as np

from ._jit import kernel
from .shared_kernels import add_vec_mat, input_projection, sigmoid, weight_grads


@kernel
def lstm_forward_kernel(x, weight_ih, weight_hh, bias, h0, c0):
    """x: (T, B, D); weight_ih: (4H, D); weight_hh: (4H, H); bias: (4H,); h0, c0: (B, H).

    Returns z (T, B, 4H) pre-activations, gates (T, B, 4H) = (i, f, g, o), c, tanh_c, h (T, B, H).
    """
    steps, batch, _ = x.shape
    hidden = h0.shape[1]
    z = input_projection(x, weight_ih, bias)
    gates = np.empty_like(z)
    c = np.empty((steps, batch, hidden), dtype=z.dtype)
    tanh_c = np.empty_like(c)
    h = np.empty_like(c)
    weight_hh_t = np.ascontiguousarray(weight_hh.T)
    h_prev, c_prev = h0.copy(), c0.copy()  # writable like h[t], c[t], so numba unifies the types
    for t in range(steps):
        for b in range(batch):
            add_vec_mat(z[t, b], h_prev[b], weight_hh_t)
            for j in range(hidden):
                i = sigmoid(z[t, b, j])
                f = sigmoid(z[t, b, hidden + j])
                g = np.tanh(z[t, b, 2 * hidden + j])
                o = sigmoid(z[t, b, 3 * hidden + j])
                gates[t, b, j] = i
                gates[t, b, hidden + j] = f
                gates[t, b, 2 * hidden + j] = g
                gates[t, b, 3 * hidden + j] = o
                c[t, b, j] = f * c_prev[b, j] + i * g
                tanh_c[t, b, j] = np.tanh(c[t, b, j])
                h[t, b, j] = o * tanh_c[t, b, j]
        h_prev, c_prev = h[t], c[t]
    return z, gates, c, tanh_c, h


@kernel
def lstm_cell_backward(dh, dc_later, gates, c_prev, tanh_c, dz, dgates, dc_total, dc_prev):
    """One cell, one step, backwards. All (H,) except gates, dz, dgates: (4H,).

    dh = ∂L/∂h_t (total); dc_later = ∂L/∂c_t through c_{t+1}. Writes
        dc_total = dc_later + dh ⊙ o ⊙ (1 − tanh²c_t)
        ∂L/∂o = dh ⊙ tanh c_t,  ∂L/∂i = dc ⊙ g,  ∂L/∂g = dc ⊙ i,  ∂L/∂f = dc ⊙ c_{t-1}
        dz = those times σ' = s(1 − s) or tanh' = 1 − g²;   dc_prev = dc ⊙ f
    ``dc_prev`` may be the same array as ``dc_later`` (each element is read before it is written).
    """
    hidden = dh.shape[0]
    for j in range(hidden):
        i = gates[j]
        f = gates[hidden + j]
        g = gates[2 * hidden + j]
        o = gates[3 * hidden + j]
        dc = dc_later[j] + dh[j] * o * (1.0 - tanh_c[j] * tanh_c[j])
        dc_total[j] = dc
        d_i = dc * g
        d_f = dc * c_prev[j]
        d_g = dc * i
        d_o = dh[j] * tanh_c[j]
        dgates[j] = d_i
        dgates[hidden + j] = d_f
        dgates[2 * hidden + j] = d_g
        dgates[3 * hidden + j] = d_o
        dz[j] = d_i * i * (1.0 - i)
        dz[hidden + j] = d_f * f * (1.0 - f)
        dz[2 * hidden + j] = d_g * (1.0 - g * g)
        dz[3 * hidden + j] = d_o * o * (1.0 - o)
        dc_prev[j] = dc * f


@kernel
def lstm_backward_kernel(x, weight_ih, weight_hh, h0, c0, gates, c, tanh_c, h, dh, dc_last):
    """BPTT. dh: (T, B, H) direct per-step ∂ℓ/∂h_t; dc_last: (B, H) direct ∂ℓ/∂c_T.

    Returns dh_total, dc_total (T, B, H); dz, dgates (T, B, 4H); dx (T, B, D); dh0, dc0 (B, H);
    dW_ih (4H, D), dW_hh (4H, H), db (4H,) summed over the batch.
    """
    steps, batch, hidden = h.shape
    dh_total = np.empty_like(h)
    dc_total = np.empty_like(h)
    dz = np.empty_like(gates)
    dgates = np.empty_like(gates)
    dh_next = np.zeros_like(h0)
    dc_next = dc_last.copy()
    for t in range(steps - 1, -1, -1):
        c_prev = c[t - 1] if t > 0 else c0
        for b in range(batch):
            for j in range(hidden):
                dh_total[t, b, j] = dh[t, b, j] + dh_next[b, j]
            lstm_cell_backward(
                dh_total[t, b],
                dc_next[b],
                gates[t, b],
                c_prev[b],
                tanh_c[t, b],
                dz[t, b],
                dgates[t, b],
                dc_total[t, b],
                dc_next[b],
            )
        dh_next[:] = 0.0
        for b in range(batch):
            add_vec_mat(dh_next[b], dz[t, b], weight_hh)
    d_weight_ih, d_weight_hh, d_bias, dx = weight_grads(dz, x, h0, h, weight_ih)
    return dh_total, dc_total, dz, dgates, dx, dh_next, dc_next, d_weight_ih, d_weight_hh, d_bias


@kernel
def lstm_jacobians(weight_hh, c0, gates, c, tanh_c):
    """∂h_T/∂h_t for every t of one sequence -> (T, H, H); gates (T, 4H); c, tanh_c (T, H); c0 (H,).

    The rows of the adjoint are the H components of h_T; each step back applies the cell's
    backward map to every row (through both h and c) and then W_hh^T.
    """
    steps, hidden = c.shape
    d_h = np.eye(hidden, dtype=c.dtype)
    d_c = np.zeros_like(d_h)
    dz = np.empty((hidden, 4 * hidden), dtype=c.dtype)
    scratch_gates = np.empty(4 * hidden, dtype=c.dtype)
    scratch_dc = np.empty(hidden, dtype=c.dtype)
    jacobians = np.empty((steps, hidden, hidden), dtype=c.dtype)
    for t in range(steps - 1, -1, -1):
        jacobians[t] = d_h
        c_prev = c[t - 1] if t > 0 else c0
        for k in range(hidden):
            lstm_cell_backward(d_h[k], d_c[k], gates[t], c_prev, tanh_c[t], dz[k], scratch_gates, scratch_dc, d_c[k])
        d_h[:] = 0.0
        for k in range(hidden):
            add_vec_mat(d_h[k], dz[k], weight_hh)
    return jacobians
