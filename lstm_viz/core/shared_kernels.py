"""Pieces both models share: the mat-vecs of the recurrence, the input projection, the weight gradients.

All arrays are time-major, ``(T, B, ·)``, so that one timestep of a batch is contiguous.
The recurrent weights' gradient sums an outer product over all T·B rows: one matrix product, done
by numpy's own BLAS outside numba (numba's ``@`` would need scipy), on one BLAS thread (see
:mod:`.blas`). Everything else is jitted loops, the input side's gradients included: with few
inputs D those products are too thin for BLAS to run fast.
"""

from __future__ import annotations

import numpy as np

from ._jit import kernel
from .blas import one_blas_thread

MATVEC_ROWS = 4  # rows of the matrix folded into each pass over ``out``: 1 load/store of out per 4 rows


@kernel(vector=True)
def add_vec_mat(out, vec, matrix):
    """out += vec @ matrix, i.e. out[j] += Σ_k vec[k] · matrix[k, j]; out (N,), vec (K,), matrix (K, N).

    The inner loop runs along a contiguous row (axpy form, which LLVM vectorises without
    reassociating sums); four rows of ``matrix`` per pass load and store ``out`` once per four products.
    At teaching sizes this beats a BLAS call (no call overhead, no BLAS threads on a busy 2-core box).
    """
    depth, width = vec.shape[0], out.shape[0]
    full = depth - depth % MATVEC_ROWS
    for k in range(0, full, MATVEC_ROWS):
        v0, v1, v2, v3 = vec[k], vec[k + 1], vec[k + 2], vec[k + 3]
        for j in range(width):
            out[j] += v0 * matrix[k, j] + v1 * matrix[k + 1, j] + v2 * matrix[k + 2, j] + v3 * matrix[k + 3, j]
    for k in range(full, depth):
        v = vec[k]
        for j in range(width):
            out[j] += v * matrix[k, j]


@kernel(vector=True)
def add_row_mat(out, t, rows, s, matrix):
    """out[t, 0] += rows[s, 0] @ matrix for (steps, 1, ·) arrays: :func:`add_vec_mat`'s sums, in its order.

    A single sequence's step addresses its rows by index: no per-step views for numba to build.
    """
    depth, width = matrix.shape
    full = depth - depth % MATVEC_ROWS
    for k in range(0, full, MATVEC_ROWS):
        v0, v1, v2, v3 = rows[s, 0, k], rows[s, 0, k + 1], rows[s, 0, k + 2], rows[s, 0, k + 3]
        for j in range(width):
            out[t, 0, j] += v0 * matrix[k, j] + v1 * matrix[k + 1, j] + v2 * matrix[k + 2, j] + v3 * matrix[k + 3, j]
    for k in range(full, depth):
        v = rows[s, 0, k]
        for j in range(width):
            out[t, 0, j] += v * matrix[k, j]


@kernel(vector=True)
def add_rows_mat(out, rows, matrix):
    """out += rows @ matrix for a batch: out[b, j] += Σ_k rows[b, k] · matrix[k, j]; out (B, N), rows (B, K).

    Two batch rows per pass share every load of ``matrix`` (1.2–1.5× faster at B = 32 than one row
    at a time); the order of the sum over k is the same as in :func:`add_vec_mat`.
    """
    batch, depth = rows.shape
    width = out.shape[1]
    paired = batch - batch % 2
    full = depth - depth % MATVEC_ROWS
    for b in range(0, paired, 2):
        for k in range(0, full, MATVEC_ROWS):
            u0, u1, u2, u3 = rows[b, k], rows[b, k + 1], rows[b, k + 2], rows[b, k + 3]
            v0, v1, v2, v3 = rows[b + 1, k], rows[b + 1, k + 1], rows[b + 1, k + 2], rows[b + 1, k + 3]
            for j in range(width):
                m0, m1, m2, m3 = matrix[k, j], matrix[k + 1, j], matrix[k + 2, j], matrix[k + 3, j]
                out[b, j] += u0 * m0 + u1 * m1 + u2 * m2 + u3 * m3
                out[b + 1, j] += v0 * m0 + v1 * m1 + v2 * m2 + v3 * m3
        for k in range(full, depth):
            u, v = rows[b, k], rows[b + 1, k]
            for j in range(width):
                out[b, j] += u * matrix[k, j]
                out[b + 1, j] += v * matrix[k, j]
    for b in range(paired, batch):
        add_vec_mat(out[b], rows[b], matrix)


@kernel(sums=True)
def add_mat_vec(out, matrix, vec):
    """out += matrix @ vec, i.e. out[r] += Σ_k matrix[r, k] · vec[k]; out (R,), matrix (R, K), vec (K,).

    The dot form of :func:`add_vec_mat` (same product, with the matrix transposed): four rows per
    pass share each load of ``vec``, and the sums over k run in vector lanes (``sums=True``).
    Each sum starts from its k = 0 term (K >= 1), so it has the arrays' dtype: a 0.0 literal
    would make float32 sums float64.
    """
    rows, depth = matrix.shape
    full = rows - rows % MATVEC_ROWS
    for r in range(0, full, MATVEC_ROWS):
        v = vec[0]
        s0, s1, s2, s3 = matrix[r, 0] * v, matrix[r + 1, 0] * v, matrix[r + 2, 0] * v, matrix[r + 3, 0] * v
        for k in range(1, depth):
            v = vec[k]
            s0 += matrix[r, k] * v
            s1 += matrix[r + 1, k] * v
            s2 += matrix[r + 2, k] * v
            s3 += matrix[r + 3, k] * v
        out[r] += s0
        out[r + 1] += s1
        out[r + 2] += s2
        out[r + 3] += s3
    for r in range(full, rows):
        s = matrix[r, 0] * vec[0]
        for k in range(1, depth):
            s += matrix[r, k] * vec[k]
        out[r] += s


@kernel(sums=True)
def add_mat_row(out, t, matrix, rows, s):
    """out[t, 0] += matrix @ rows[s, 0] for (steps, 1, ·) arrays; matrix (R, K).

    The dot form of :func:`add_mat_vec` with eight sums per pass, each starting from its ``out``
    value (so the vector loop runs over all K terms with no scalar remainder, in the arrays' dtype).
    A single sequence's backward step waits on this product: more independent sums in flight,
    fewer dependent multiply-adds in each.
    """
    count, depth = matrix.shape
    full = count - count % (2 * MATVEC_ROWS)
    for r in range(0, full, 2 * MATVEC_ROWS):
        s0, s1, s2, s3 = out[t, 0, r], out[t, 0, r + 1], out[t, 0, r + 2], out[t, 0, r + 3]
        s4, s5, s6, s7 = out[t, 0, r + 4], out[t, 0, r + 5], out[t, 0, r + 6], out[t, 0, r + 7]
        for k in range(depth):
            v = rows[s, 0, k]
            s0 += matrix[r, k] * v
            s1 += matrix[r + 1, k] * v
            s2 += matrix[r + 2, k] * v
            s3 += matrix[r + 3, k] * v
            s4 += matrix[r + 4, k] * v
            s5 += matrix[r + 5, k] * v
            s6 += matrix[r + 6, k] * v
            s7 += matrix[r + 7, k] * v
        out[t, 0, r], out[t, 0, r + 1], out[t, 0, r + 2], out[t, 0, r + 3] = s0, s1, s2, s3
        out[t, 0, r + 4], out[t, 0, r + 5], out[t, 0, r + 6], out[t, 0, r + 7] = s4, s5, s6, s7
    for r in range(full, count):
        total = out[t, 0, r]
        for k in range(depth):
            total += matrix[r, k] * rows[s, 0, k]
        out[t, 0, r] = total


@kernel(sums=True)
def bias_input_grads_row(dz, t, weight_ih_t, d_bias, dx):
    """Step t's share of db and dx for (steps, 1, ·) arrays: the row-wise part of :func:`input_grads`.

    d_bias += dz[t];  dx[t] = W_ih^T dz[t] (each sum from a 0.0 of dx's dtype). dW_ih is left to one
    BLAS product over all steps: summed here, its (D, 4H) rows were stored again at every step.
    """
    rows = dz.shape[2]
    for r in range(rows):
        d_bias[r] += dz[t, 0, r]
    for d in range(dx.shape[2]):
        dx[t, 0, d] = 0.0
        total = dx[t, 0, d]
        for r in range(rows):
            total += dz[t, 0, r] * weight_ih_t[d, r]
        dx[t, 0, d] = total


@kernel(vector=True)
def add_rows_mat_t(out, rows, matrix, matrix_t):
    """out += rows @ matrix like :func:`add_rows_mat`, also given ``matrix_t``: matrix.T, C-contiguous.

    One row (B = 1) takes the dot form on ``matrix_t`` (:func:`add_mat_vec`): for the backward
    pass's W_hh^T ∂L/∂z (N = H outputs, depth K = 4H) that is 1.3–1.9× faster than K short
    passes over ``out``. A batch keeps :func:`add_rows_mat`'s shared loads of ``matrix``.
    """
    if rows.shape[0] == 1:
        add_mat_vec(out[0], matrix_t, rows[0])
    else:
        add_rows_mat(out, rows, matrix)


def read_only(array: np.ndarray) -> np.ndarray:
    """``array`` if read-only, else a read-only view: kernels always receive the same flags, so numba
    compiles one version per dtype (the wrappers' arrays are read-only already: no view to make)."""
    if not array.flags.writeable:
        return array
    view = array.view()
    view.flags.writeable = False
    return view


@kernel(vector=True)
def input_projection(x, weight_ih, bias):
    """z_in[t, b] = W_ih x[t, b] + bias for every step at once: x (T, B, D) -> (T, B, R), R = rows of W_ih."""
    steps, batch, _ = x.shape
    rows = weight_ih.shape[0]
    weight_ih_t = np.ascontiguousarray(weight_ih.T)
    z = np.empty((steps, batch, rows), dtype=x.dtype)
    for t in range(steps):
        for b in range(batch):
            for r in range(rows):
                z[t, b, r] = bias[r]
        add_rows_mat(z[t], x[t], weight_ih_t)
    return z


@kernel(sums=True)
def input_grads(dz, x, weight_ih):
    """The input side of the linear layer's gradients, over all T·B rows: dz (T, B, R); x (T, B, D).

    Returns dW_ih = Σ dz xᵀ (R, D), db = Σ dz (R,), dx = W_ihᵀ dz (T, B, D), in one pass over dz.
    """
    steps, batch, rows = dz.shape
    inputs = x.shape[2]
    weight_ih_t = np.ascontiguousarray(weight_ih.T)
    d_weight_ih_t = np.zeros((inputs, rows), dtype=dz.dtype)
    d_bias = np.zeros(rows, dtype=dz.dtype)
    dx = np.empty_like(x)
    for t in range(steps):
        for b in range(batch):
            for r in range(rows):
                d_bias[r] += dz[t, b, r]
            for d in range(inputs):
                x_d = x[t, b, d]
                total = dz[t, b, 0] * weight_ih_t[d, 0]  # the first term starts the sum in the arrays' precision
                d_weight_ih_t[d, 0] += x_d * dz[t, b, 0]
                for r in range(1, rows):
                    d_weight_ih_t[d, r] += x_d * dz[t, b, r]
                    total += dz[t, b, r] * weight_ih_t[d, r]
                dx[t, b, d] = total
    return np.ascontiguousarray(d_weight_ih_t.T), d_bias, dx


def weight_grads(dz, x, h0, h, weight_ih):
    """Gradients of the linear layer z_t = W_ih x_t + W_hh h_{t-1} + b, summed over steps and batch.

    dz: (T, B, R) ∂L/∂z;  x: (T, B, D);  h0: (B, H);  h: (T, B, H)
    returns dW_ih = Σ dz x^T (R, D), dW_hh = Σ dz h_{t-1}^T (R, H), db = Σ dz (R,), dx = W_ih^T dz (T, B, D);
    dW_hh is a single matrix product over all T·B rows (h_{t-1} is h0 at t = 0), the rest :func:`input_grads`.
    """
    steps, batch, rows = dz.shape
    flat_dz = dz.reshape(steps * batch, rows)
    hidden = h.shape[2]
    with np.errstate(all="ignore"), one_blas_thread(dz.size * hidden):  # overflow becomes inf/NaN, flagged by callers
        d_weight_hh = dz[0].T @ h0
        if steps > 1:
            d_weight_hh += flat_dz[batch:].T @ h[:-1].reshape((steps - 1) * batch, hidden)
    d_weight_ih, d_bias, dx = input_grads(dz, x, weight_ih)
    return d_weight_ih, d_weight_hh, d_bias, dx
