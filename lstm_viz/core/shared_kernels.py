"""Kernel pieces both models share: the input projection and the weight gradients of BPTT.

All arrays are time-major, ``(T, B, ·)``, so that one timestep of a batch is contiguous.
"""

from __future__ import annotations

import numpy as np

from ._jit import kernel


@kernel
def sigmoid(z):
    """σ(z) = 1 / (1 + e^{-z}); for z → -∞ e^{-z} overflows to inf and σ → 0, with no warning."""
    return 1.0 / (1.0 + np.exp(-z))


@kernel
def add_vec_mat(out, vec, matrix):
    """out += vec @ matrix, i.e. out[j] += Σ_k vec[k] · matrix[k, j]; out (N,), vec (K,), matrix (K, N).

    At teaching sizes a plain loop with a contiguous inner axis beats a BLAS call (no call overhead,
    no BLAS threads spinning on a busy 2-core machine) and keeps numba free of its scipy dependency.
    """
    for k in range(vec.shape[0]):
        v = vec[k]
        for j in range(out.shape[0]):
            out[j] += v * matrix[k, j]


@kernel
def add_outer(out, u, v):
    """out += u ⊗ v, i.e. out[r, k] += u[r] · v[k]; out (R, K), u (R,), v (K,)."""
    for r in range(u.shape[0]):
        s = u[r]
        for k in range(v.shape[0]):
            out[r, k] += s * v[k]


@kernel
def input_projection(x, weight_ih, bias):
    """z_in[t, b] = W_ih x[t, b] + bias for every step at once: x (T, B, D) -> (T, B, R), R = rows of W_ih."""
    steps, batch, _ = x.shape
    rows = weight_ih.shape[0]
    weight_ih_t = np.ascontiguousarray(weight_ih.T)
    z = np.empty((steps, batch, rows), dtype=x.dtype)
    for t in range(steps):
        for b in range(batch):
            z[t, b] = bias
            add_vec_mat(z[t, b], x[t, b], weight_ih_t)
    return z


@kernel
def weight_grads(dz, x, h0, h, weight_ih):
    """Gradients of the linear layer z_t = W_ih x_t + W_hh h_{t-1} + b, summed over steps and batch.

    dz: (T, B, R) ∂L/∂z;  x: (T, B, D);  h0: (B, H);  h: (T, B, H)
    returns dW_ih = Σ dz x^T (R, D), dW_hh = Σ dz h_{t-1}^T (R, H), db = Σ dz (R,), dx = W_ih^T dz (T, B, D)
    """
    steps, batch, rows = dz.shape
    d_weight_ih = np.zeros((rows, x.shape[2]), dtype=dz.dtype)
    d_weight_hh = np.zeros((rows, h0.shape[1]), dtype=dz.dtype)
    d_bias = np.zeros(rows, dtype=dz.dtype)
    dx = np.zeros_like(x)
    for t in range(steps):
        h_prev = h[t - 1] if t > 0 else h0
        for b in range(batch):
            add_outer(d_weight_ih, dz[t, b], x[t, b])
            add_outer(d_weight_hh, dz[t, b], h_prev[b])
            d_bias += dz[t, b]
            add_vec_mat(dx[t, b], dz[t, b], weight_ih)
    return d_weight_ih, d_weight_hh, d_bias, dx
