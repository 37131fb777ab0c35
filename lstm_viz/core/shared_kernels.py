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
def input_projection(x, weight_ih, bias):
    """z_in[t, b] = W_ih x[t, b] + bias for every step at once: x (T, B, D) -> (T, B, R), R = rows of W_ih."""
    steps, batch, inputs = x.shape
    rows = weight_ih.shape[0]
    z = np.dot(x.reshape(steps * batch, inputs), weight_ih.T).reshape(steps, batch, rows)
    for t in range(steps):
        for b in range(batch):
            for r in range(rows):
                z[t, b, r] += bias[r]
    return z


@kernel
def weight_grads(dz, x, h0, h, weight_ih):
    """Gradients of the linear layer z_t = W_ih x_t + W_hh h_{t-1} + b, summed over steps and batch.

    dz: (T, B, R) ∂L/∂z;  x: (T, B, D);  h0: (B, H);  h: (T, B, H)
    returns dW_ih = Σ dz x^T (R, D), dW_hh = Σ dz h_{t-1}^T (R, H), db = Σ dz (R,), dx = W_ih^T dz (T, B, D)
    """
    steps, batch, rows = dz.shape
    inputs = x.shape[2]
    hidden = h0.shape[1]
    flat_dz = dz.reshape(steps * batch, rows)
    h_prev = np.empty_like(h)
    h_prev[0] = h0
    h_prev[1:] = h[:-1]
    d_weight_ih = np.dot(flat_dz.T, x.reshape(steps * batch, inputs))
    d_weight_hh = np.dot(flat_dz.T, h_prev.reshape(steps * batch, hidden))
    d_bias = flat_dz.sum(axis=0)
    dx = np.dot(flat_dz, weight_ih).reshape(steps, batch, inputs)
    return d_weight_ih, d_weight_hh, d_bias, dx


@kernel
def spectral_norm(matrix):
    """Largest singular value ‖M‖₂; inf when M holds inf or NaN (the SVD cannot run on it)."""
    for value in matrix.ravel():
        if not np.isfinite(value):
            return np.inf
    return np.linalg.norm(matrix, 2)
