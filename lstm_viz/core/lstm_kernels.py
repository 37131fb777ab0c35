"""numba kernels of the LSTM: forward, backpropagation through time, and the Jacobian ∂h_T/∂h_t.

Time-major plain arrays, gate order (i, f, g, o) along the 4H axis, as in PyTorch's ``nn.LSTM``:
    z_t = W_ih x_t + W_hh h_{t-1} + b        i, f, o = σ(z_i, z_f, z_o)    g = tanh(z_g)
    c_t = f ⊙ c_{t-1} + i ⊙ g                h_t = o ⊙ tanh(c_t)
The forward pass is one jitted kernel; the backward pass is the jitted recurrence of BPTT followed
by the weight gradients as BLAS products over all steps at once (:func:`.shared_kernels.weight_grads`).
"""

from __future__ import annotations

import numpy as np

from ._jit import kernel
from .activations import sigmoid, tanh
from .shared_kernels import add_rows_mat, add_rows_mat_t, input_projection, read_only, weight_grads


@kernel(vector=True)
def lstm_cell_forward(z, c_prev, gates, c, tanh_c, h):
    """One cell, one step: z, gates (4H,) = (i, f, g, o); c_prev, c, tanh_c, h (H,).

    One short loop per equation: each touches few arrays, so LLVM vectorises every one of them
    (a single loop writing all six arrays needs more run-time overlap checks than it will emit).
    """
    hidden = c.shape[0]
    for r in range(2 * hidden):
        gates[r] = sigmoid(z[r])  # i, f
    for r in range(2 * hidden, 3 * hidden):
        gates[r] = tanh(z[r])  # g
    for r in range(3 * hidden, 4 * hidden):
        gates[r] = sigmoid(z[r])  # o
    for j in range(hidden):
        c[j] = gates[hidden + j] * c_prev[j] + gates[j] * gates[2 * hidden + j]
    for j in range(hidden):
        tanh_c[j] = tanh(c[j])
    for j in range(hidden):
        h[j] = gates[3 * hidden + j] * tanh_c[j]


@kernel(vector=True)
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
    h_start, c_start = h0.copy(), c0.copy()  # writeable like h[t], c[t], so numba unifies the types
    for t in range(steps):
        h_prev = h[t - 1] if t > 0 else h_start
        c_prev = c[t - 1] if t > 0 else c_start
        add_rows_mat(z[t], h_prev, weight_hh_t)
        for b in range(batch):
            lstm_cell_forward(z[t, b], c_prev[b], gates[t, b], c[t, b], tanh_c[t, b], h[t, b])
    return z, gates, c, tanh_c, h


@kernel(vector=True)
def lstm_cell_backward(dh, dc_later, gates, c_prev, tanh_c, dz, dgates, dc_total, dc_prev):
    """One cell, one step, backwards. All (H,) except gates, dz, dgates: (4H,).

    dh = ∂L/∂h_t (total); dc_later = ∂L/∂c_t through c_{t+1}. Writes
        dc_total = dc_later + dh ⊙ o ⊙ (1 − tanh²c_t)
        ∂L/∂o = dh ⊙ tanh c_t,  ∂L/∂i = dc ⊙ g,  ∂L/∂g = dc ⊙ i,  ∂L/∂f = dc ⊙ c_{t-1}
        dz = those times σ' = s(1 − s) or tanh' = 1 − g²;   dc_prev = dc ⊙ f
    ``dc_prev`` may be the same array as ``dc_later`` (it is read in the first loop, written in the last).
    One loop per equation, as in :func:`lstm_cell_forward`, so that each vectorises.
    """
    hidden = dh.shape[0]
    i, f, g, o = 0, hidden, 2 * hidden, 3 * hidden  # offsets of the gates along the 4H axis
    for j in range(hidden):
        dc_total[j] = dc_later[j] + dh[j] * gates[o + j] * (1.0 - tanh_c[j] * tanh_c[j])
    for j in range(hidden):
        dgates[i + j] = dc_total[j] * gates[g + j]
        dgates[f + j] = dc_total[j] * c_prev[j]
        dgates[g + j] = dc_total[j] * gates[i + j]
        dgates[o + j] = dh[j] * tanh_c[j]
    for j in range(hidden):
        dz[i + j] = dgates[i + j] * gates[i + j] * (1.0 - gates[i + j])
        dz[f + j] = dgates[f + j] * gates[f + j] * (1.0 - gates[f + j])
        dz[g + j] = dgates[g + j] * (1.0 - gates[g + j] * gates[g + j])
        dz[o + j] = dgates[o + j] * gates[o + j] * (1.0 - gates[o + j])
    for j in range(hidden):
        dc_prev[j] = dc_total[j] * gates[f + j]


@kernel(vector=True)
def lstm_bptt(weight_hh, c0, gates, c, tanh_c, dh, dc_last):
    """The sequential part of BPTT. dh: (T, B, H) direct per-step ∂ℓ/∂h_t; dc_last: (B, H) direct ∂ℓ/∂c_T.

        ∂L/∂h_{t-1} = dh[t-1] + W_hh^T ∂L/∂z_t        (written straight into dh_total[t-1], or dh0)
    Returns dh_total, dc_total (T, B, H); dz, dgates (T, B, 4H); dh0, dc0 (B, H).
    """
    steps, batch, hidden = c.shape
    dh_total = np.empty_like(c)
    dc_total = np.empty_like(c)
    dz = np.empty_like(gates)
    dgates = np.empty_like(gates)
    dh0 = np.zeros((batch, hidden), dtype=c.dtype)
    dc_next = dc_last.copy()
    weight_hh_t = np.ascontiguousarray(weight_hh.T)
    dh_total[steps - 1] = dh[steps - 1]
    for t in range(steps - 1, -1, -1):
        c_prev = c[t - 1] if t > 0 else c0
        for b in range(batch):
            lstm_cell_backward(
                dh_total[t, b], dc_next[b], gates[t, b], c_prev[b], tanh_c[t, b],
                dz[t, b], dgates[t, b], dc_total[t, b], dc_next[b],
            )  # fmt: skip
        dh_prev = dh_total[t - 1] if t > 0 else dh0
        if t > 0:
            dh_prev[:] = dh[t - 1]
        add_rows_mat_t(dh_prev, dz[t], weight_hh, weight_hh_t)
    return dh_total, dc_total, dz, dgates, dh0, dc_next


def lstm_backward_kernel(x, weight_ih, weight_hh, h0, c0, gates, c, tanh_c, h, dh, dc_last):
    """BPTT. dh: (T, B, H) direct per-step ∂ℓ/∂h_t; dc_last: (B, H) direct ∂ℓ/∂c_T.

    Returns dh_total, dc_total (T, B, H); dz, dgates (T, B, 4H); dx (T, B, D); dh0, dc0 (B, H);
    dW_ih (4H, D), dW_hh (4H, H), db (4H,) summed over the batch.
    """
    inputs = (weight_hh, c0, gates, c, tanh_c, dh, dc_last)
    dh_total, dc_total, dz, dgates, dh0, dc0 = lstm_bptt(*(read_only(a) for a in inputs))
    d_weight_ih, d_weight_hh, d_bias, dx = weight_grads(dz, x, h0, h, weight_ih)
    return dh_total, dc_total, dz, dgates, dx, dh0, dc0, d_weight_ih, d_weight_hh, d_bias


@kernel(vector=True)
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
        add_rows_mat(d_h, dz, weight_hh)
    return jacobians
