"""numba kernels of the LSTM: forward, backpropagation through time, and the Jacobian ∂h_T/∂h_t.

Time-major plain arrays, gate order (i, f, g, o) along the 4H axis, as in PyTorch's ``nn.LSTM``:
    z_t = W_ih x_t + W_hh h_{t-1} + b        i, f, o = σ(z_i, z_f, z_o)    g = tanh(z_g)
    c_t = f ⊙ c_{t-1} + i ⊙ g                h_t = o ⊙ tanh(c_t)
The forward pass is one jitted kernel; the backward pass is the jitted recurrence of BPTT followed
by the weight gradients as BLAS products over all steps at once (:func:`.shared_kernels.weight_grads`).
One sequence (B = 1, what every lesson runs) has its own pair, :func:`lstm_sequence_forward` and
:func:`lstm_sequence_backward`: rows addressed by index instead of per-step views, one jitted pass
for the input side's gradients; batches (training) keep the batched kernels and their arithmetic.
"""

from __future__ import annotations

import numpy as np

from ._jit import kernel
from .activations import sigmoid, tanh
from .blas import one_blas_thread
from .shared_kernels import (
    add_mat_row,
    add_row_mat,
    add_rows_mat,
    add_rows_mat_t,
    bias_input_grads_row,
    input_projection,
    read_only,
    weight_grads,
)


@kernel(vector=True)
def lstm_cells_forward(z, c_prev, gates, c, tanh_c, h):
    """One step of a batch of cells: z, gates (B, 4H) = (i, f, g, o); c_prev, c, tanh_c, h (B, H).

    One loop per equation over each row: each touches few arrays, so LLVM vectorises every one of
    them (a single loop writing all the arrays needs more run-time overlap checks than it will emit).
    """
    batch, hidden = c.shape
    for b in range(batch):
        for r in range(2 * hidden):
            gates[b, r] = sigmoid(z[b, r])  # i, f
        for r in range(2 * hidden, 3 * hidden):
            gates[b, r] = tanh(z[b, r])  # g
        for r in range(3 * hidden, 4 * hidden):
            gates[b, r] = sigmoid(z[b, r])  # o
        for j in range(hidden):
            c[b, j] = gates[b, hidden + j] * c_prev[b, j] + gates[b, j] * gates[b, 2 * hidden + j]
        for j in range(hidden):
            tanh_c[b, j] = tanh(c[b, j])
        for j in range(hidden):
            h[b, j] = gates[b, 3 * hidden + j] * tanh_c[b, j]


@kernel(vector=True)
def lstm_cell_row(z, gates, c, tanh_c, h, t):
    """Step t of one sequence, in place: gates[t] from z[t]; c[t + 1], tanh_c[t], h[t + 1] from c[t].

    z, gates (T, 1, 4H); tanh_c (T, 1, H); c, h (T + 1, 1, H) with c[0], h[0] the initial state.
    The arithmetic of :func:`lstm_cells_forward` in one loop over the H cells: each cell's four
    gates, c, tanh c and h stay in registers (LLVM still vectorises it: every store is a row of
    its own array, so the run-time overlap checks stay few). ~1.2x faster than a loop per equation.
    """
    hidden = tanh_c.shape[2]
    for j in range(hidden):
        i = sigmoid(z[t, 0, j])
        f = sigmoid(z[t, 0, hidden + j])
        g = tanh(z[t, 0, 2 * hidden + j])
        o = sigmoid(z[t, 0, 3 * hidden + j])
        gates[t, 0, j] = i
        gates[t, 0, hidden + j] = f
        gates[t, 0, 2 * hidden + j] = g
        gates[t, 0, 3 * hidden + j] = o
        c_t = f * c[t, 0, j] + i * g
        c[t + 1, 0, j] = c_t
        squashed = tanh(c_t)
        tanh_c[t, 0, j] = squashed
        h[t + 1, 0, j] = o * squashed


@kernel(vector=True)
def lstm_sequence_forward(x, weight_ih, weight_hh, bias, h0, c0):
    """:func:`lstm_forward_kernel` for B = 1, with the same sums in the same order; x: (T, 1, D).

    c and h live in (T + 1)-row arrays whose row 0 is the initial state, so every step reads row t
    and writes row t + 1 with no per-step views. The input projection is a pass of its own: inside
    the recurrence, W_ih would share the L1 cache with W_hh (32 KB alone at H = 32 in float64).
    """
    steps = x.shape[0]
    hidden = h0.shape[1]
    weight_ih_t = np.ascontiguousarray(weight_ih.T)
    weight_hh_t = np.ascontiguousarray(weight_hh.T)
    z = np.empty((steps, 1, 4 * hidden), dtype=x.dtype)
    gates = np.empty_like(z)
    c = np.empty((steps + 1, 1, hidden), dtype=x.dtype)
    h = np.empty_like(c)
    tanh_c = np.empty((steps, 1, hidden), dtype=x.dtype)
    c[0] = c0
    h[0] = h0
    for t in range(steps):  # the input side first, on its own: the recurrence's working set stays small
        z[t, 0] = bias
        add_row_mat(z, t, x, t, weight_ih_t)
    for t in range(steps):
        add_row_mat(z, t, h, t, weight_hh_t)
        lstm_cell_row(z, gates, c, tanh_c, h, t)
    return z, gates, c[1:], tanh_c, h[1:]


@kernel(vector=True)
def lstm_forward_kernel(x, weight_ih, weight_hh, bias, h0, c0):
    """x: (T, B, D); weight_ih: (4H, D); weight_hh: (4H, H); bias: (4H,); h0, c0: (B, H).

    Returns z (T, B, 4H) pre-activations, gates (T, B, 4H) = (i, f, g, o), c, tanh_c, h (T, B, H).
    """
    steps, batch, _ = x.shape
    if batch == 1:
        return lstm_sequence_forward(x, weight_ih, weight_hh, bias, h0, c0)
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
        lstm_cells_forward(z[t], c_prev, gates[t], c[t], tanh_c[t], h[t])
    return z, gates, c, tanh_c, h


@kernel(vector=True)
def lstm_cells_backward(dh, dc_later, gates, c_prev, tanh_c, dz, dgates, dc_total, dc_prev):
    """One step of a batch of cells, backwards. All (B, H) except gates, dz, dgates: (B, 4H).

    dh = ∂L/∂h_t (total); dc_later = ∂L/∂c_t through c_{t+1}. Writes
        dc_total = dc_later + dh ⊙ o ⊙ (1 − tanh²c_t)
        ∂L/∂o = dh ⊙ tanh c_t,  ∂L/∂i = dc ⊙ g,  ∂L/∂g = dc ⊙ i,  ∂L/∂f = dc ⊙ c_{t-1}
        dz = those times σ' = s(1 − s) or tanh' = 1 − g²;   dc_prev = dc ⊙ f
    ``dc_prev`` may be the same array as ``dc_later`` (each row reads it in its first loop and writes it in
    its last). One loop per gate per row, as in :func:`lstm_cells_forward`, so that each vectorises (a loop
    storing to all four gates' offsets of one array would not: LLVM cannot rule out that they overlap).
    """
    batch, hidden = dh.shape
    i, f, g, o = 0, hidden, 2 * hidden, 3 * hidden  # offsets of the gates along the 4H axis
    for b in range(batch):
        for j in range(hidden):
            dc_total[b, j] = dc_later[b, j] + dh[b, j] * gates[b, o + j] * (1.0 - tanh_c[b, j] * tanh_c[b, j])
        for j in range(hidden):
            dgates[b, i + j] = dc_total[b, j] * gates[b, g + j]
            dz[b, i + j] = dgates[b, i + j] * gates[b, i + j] * (1.0 - gates[b, i + j])
        for j in range(hidden):
            dgates[b, f + j] = dc_total[b, j] * c_prev[b, j]
            dz[b, f + j] = dgates[b, f + j] * gates[b, f + j] * (1.0 - gates[b, f + j])
        for j in range(hidden):
            dgates[b, g + j] = dc_total[b, j] * gates[b, i + j]
            dz[b, g + j] = dgates[b, g + j] * (1.0 - gates[b, g + j] * gates[b, g + j])
        for j in range(hidden):
            dgates[b, o + j] = dh[b, j] * tanh_c[b, j]
            dz[b, o + j] = dgates[b, o + j] * gates[b, o + j] * (1.0 - gates[b, o + j])
        for j in range(hidden):
            dc_prev[b, j] = dc_total[b, j] * gates[b, f + j]


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
        lstm_cells_backward(dh_total[t], dc_next, gates[t], c_prev, tanh_c[t], dz[t], dgates[t], dc_total[t], dc_next)
        dh_prev = dh_total[t - 1] if t > 0 else dh0
        if t > 0:
            dh_prev[:] = dh[t - 1]
        add_rows_mat_t(dh_prev, dz[t], weight_hh, weight_hh_t)
    return dh_total, dc_total, dz, dgates, dh0, dc_next


@kernel(vector=True)
def lstm_cell_row_backward(dh, dc_next, gates, c, tanh_c, dz, dc_total, t):
    """Step t of one sequence, backwards, as far as the recurrence needs: dc_total[t], dz[t], dc_next.

    dh (T + 1, 1, H): ∂L/∂h_t in row t + 1; c (T + 1, 1, H): c_t in row t + 1, c0 in row 0;
    gates, dz (T, 1, 4H); tanh_c, dc_total (T, 1, H); dc_next (1, H): ∂L/∂c_t through c_{t+1} on
    entry, ∂L/∂c_{t-1} through c_t on return. :func:`lstm_cells_backward`'s arithmetic in one loop
    over the H cells (as in :func:`lstm_cell_row`), with each ∂L/∂gate a temporary:
    :func:`lstm_gate_grads_rows` stores them after the recurrence.
    """
    hidden = tanh_c.shape[2]
    for j in range(hidden):
        i = gates[t, 0, j]
        f = gates[t, 0, hidden + j]
        g = gates[t, 0, 2 * hidden + j]
        o = gates[t, 0, 3 * hidden + j]
        squashed = tanh_c[t, 0, j]
        dh_t = dh[t + 1, 0, j]
        dc_total[t, 0, j] = dc_next[0, j] + dh_t * o * (1.0 - squashed * squashed)
        dc = dc_total[t, 0, j]  # rounded to the arrays' dtype, as every later product expects
        dz[t, 0, j] = dc * g * i * (1.0 - i)
        dz[t, 0, hidden + j] = dc * c[t, 0, j] * f * (1.0 - f)
        dz[t, 0, 2 * hidden + j] = dc * i * (1.0 - g * g)
        dz[t, 0, 3 * hidden + j] = dh_t * squashed * o * (1.0 - o)
        dc_next[0, j] = dc * f


@kernel(vector=True)
def lstm_gate_grads_rows(dh, dc_total, gates, c, tanh_c, dgates):
    """∂L/∂(i, f, g, o) at every step, written after the recurrence (whose loop then stores less).

    dgates (T, 1, 4H) = (dc ⊙ g, dc ⊙ c_{t-1}, dc ⊙ i, dh ⊙ tanh c_t); shapes as in :func:`lstm_cell_row_backward`.
    """
    steps, _, hidden = tanh_c.shape
    i, f, g, o = 0, hidden, 2 * hidden, 3 * hidden
    for t in range(steps):
        for j in range(hidden):
            dgates[t, 0, i + j] = dc_total[t, 0, j] * gates[t, 0, g + j]
        for j in range(hidden):
            dgates[t, 0, f + j] = dc_total[t, 0, j] * c[t, 0, j]
        for j in range(hidden):
            dgates[t, 0, g + j] = dc_total[t, 0, j] * gates[t, 0, i + j]
        for j in range(hidden):
            dgates[t, 0, o + j] = dh[t + 1, 0, j] * tanh_c[t, 0, j]


@kernel(vector=True)
def lstm_sequence_bptt(x, weight_ih, weight_hh, h0, c0, gates, c, tanh_c, h, dh, dc_last):
    """:func:`lstm_bptt` for B = 1 (x: (T, 1, D)), then db and dx row by row.

    Returns dh_total, dc_total (T, 1, H); dz, dgates (T, 1, 4H); dh0, dc0 (1, H); dx (T, 1, D);
    db (4H,); and the layer's inputs at every step, [x_t, h_{t-1}] (T, D + H), for the weight
    gradients' one BLAS product. c and ∂L/∂h live in (T + 1)-row arrays (row 0: c0, and ∂L/∂h0),
    so every step reads and writes rows by index, with no per-step views.
    """
    steps, _, hidden = c.shape
    features = x.shape[2]
    weight_ih_t = np.ascontiguousarray(weight_ih.T)
    weight_hh_t = np.ascontiguousarray(weight_hh.T)
    c_all = np.empty((steps + 1, 1, hidden), dtype=c.dtype)
    c_all[0] = c0
    c_all[1:] = c
    dh_all = np.empty_like(c_all)
    dh_all[0] = 0.0
    dh_all[1:] = dh
    dc_total = np.empty_like(c)
    dz = np.empty_like(gates)
    dgates = np.empty_like(gates)
    dx = np.empty_like(x)
    d_bias = np.zeros(4 * hidden, dtype=c.dtype)
    dc_next = dc_last.copy()
    for t in range(steps - 1, -1, -1):
        lstm_cell_row_backward(dh_all, dc_next, gates, c_all, tanh_c, dz, dc_total, t)
        add_mat_row(dh_all, t, weight_hh_t, dz, t)
    lstm_gate_grads_rows(dh_all, dc_total, gates, c_all, tanh_c, dgates)
    for t in range(steps - 1, -1, -1):  # a pass of its own: the recurrence's working set stays small
        bias_input_grads_row(dz, t, weight_ih_t, d_bias, dx)
    layer_inputs = np.empty((steps, features + hidden), dtype=c.dtype)
    for t in range(steps):
        for d in range(features):
            layer_inputs[t, d] = x[t, 0, d]
    for j in range(hidden):
        layer_inputs[0, features + j] = h0[0, j]
    for t in range(1, steps):
        for j in range(hidden):
            layer_inputs[t, features + j] = h[t - 1, 0, j]
    return dh_all[1:], dc_total, dz, dgates, dh_all[0], dc_next, dx, d_bias, layer_inputs


def lstm_sequence_backward(x, weight_ih, weight_hh, h0, c0, gates, c, tanh_c, h, dh, dc_last):
    """:func:`lstm_backward_kernel` for B = 1: one jitted pass, then both weight gradients in one BLAS product,
        [dW_ih, dW_hh] = Σ_t dz_t [x_t, h_{t-1}]^T      (4H, D + H)
    one product of depth T that BLAS runs near its peak (dW_ih alone, D columns wide, it does not).
    """
    inputs = (x, weight_ih, weight_hh, h0, c0, gates, c, tanh_c, h, dh, dc_last)
    dh_total, dc_total, dz, dgates, dh0, dc0, dx, d_bias, layer_inputs = lstm_sequence_bptt(
        *(read_only(a) for a in inputs)
    )
    steps, _, rows = dz.shape
    features = x.shape[2]
    with np.errstate(all="ignore"), one_blas_thread(dz.size * layer_inputs.shape[1]):  # callers flag inf/NaN
        d_weights = dz.reshape(steps, rows).T @ layer_inputs
    d_weight_ih = np.ascontiguousarray(d_weights[:, :features])
    d_weight_hh = np.ascontiguousarray(d_weights[:, features:])
    return dh_total, dc_total, dz, dgates, dx, dh0, dc0, d_weight_ih, d_weight_hh, d_bias


def lstm_backward_kernel(x, weight_ih, weight_hh, h0, c0, gates, c, tanh_c, h, dh, dc_last):
    """BPTT. dh: (T, B, H) direct per-step ∂ℓ/∂h_t; dc_last: (B, H) direct ∂ℓ/∂c_T.

    Returns dh_total, dc_total (T, B, H); dz, dgates (T, B, 4H); dx (T, B, D); dh0, dc0 (B, H);
    dW_ih (4H, D), dW_hh (4H, H), db (4H,) summed over the batch.
    """
    if x.shape[1] == 1:
        return lstm_sequence_backward(x, weight_ih, weight_hh, h0, c0, gates, c, tanh_c, h, dh, dc_last)
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
    scratch_gates = np.empty_like(dz)
    scratch_dc = np.empty_like(d_h)
    jacobians = np.empty((steps, hidden, hidden), dtype=c.dtype)
    for t in range(steps - 1, -1, -1):
        jacobians[t] = d_h
        c_prev = c[t - 1] if t > 0 else c0
        rows = (hidden, hidden)  # every row of the adjoint goes back through the same step of the cell
        lstm_cells_backward(
            d_h, d_c, np.broadcast_to(gates[t], (hidden, 4 * hidden)), np.broadcast_to(c_prev, rows),
            np.broadcast_to(tanh_c[t], rows), dz, scratch_gates, scratch_dc, d_c,
        )  # fmt: skip
        d_h[:] = 0.0
        add_rows_mat(d_h, dz, weight_hh)
    return jacobians
