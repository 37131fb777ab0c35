"""numba kernels of training: the linear readout with its loss, and one Adam update of all weights.

Time-major plain arrays, like the core's kernels: h (T, B, H), mask (T, B). The readout is
    ŷ_{t,b} = W h_{t,b} + b        head_weight W: (O, H), head_bias b: (O,)
applied on the scored steps (mask ≠ 0); the loss is the mask-weighted mean  L = Σ m ℓ / Σ m.
"""

from __future__ import annotations

import numpy as np

from ..core._jit import kernel


@kernel
def readout_at(h_tb, head_weight, head_bias, out):
    """out = W h + b for one step of one sequence: h_tb (H,), out (O,)."""
    for o in range(head_weight.shape[0]):
        total = head_bias[o]
        for k in range(h_tb.shape[0]):
            total += head_weight[o, k] * h_tb[k]
        out[o] = total


@kernel
def backprop_readout(g, h_tb, head_weight, d_head_weight, d_head_bias, dh_tb):
    """Given g = ∂L/∂ŷ (O,) at one step: dW += g hᵀ, db += g, dh = Wᵀ g (written into dh_tb (H,))."""
    for k in range(h_tb.shape[0]):
        dh_tb[k] = 0.0
    for o in range(g.shape[0]):
        d_head_bias[o] += g[o]
        for k in range(h_tb.shape[0]):
            d_head_weight[o, k] += g[o] * h_tb[k]
            dh_tb[k] += head_weight[o, k] * g[o]


@kernel
def mse_readout(h, y, mask, head_weight, head_bias):
    """Mean squared error of the readout. h (T, B, H); y (T, B, O) targets; mask (T, B).

    L = Σ_{t,b} m_{t,b} Σ_o (ŷ_o − y_o)² / (O Σ m).  Returns L, dh (T, B, H) = ∂L/∂h_t (zero on
    unscored steps), d_head_weight (O, H), d_head_bias (O,).
    """
    steps, batch, _ = h.shape
    outputs = head_weight.shape[0]
    dh = np.zeros_like(h)
    d_head_weight = np.zeros_like(head_weight)
    d_head_bias = np.zeros_like(head_bias)
    y_hat = np.empty(outputs, dtype=h.dtype)
    g = np.empty(outputs, dtype=h.dtype)
    scale = 1.0 / (outputs * mask.sum())
    loss = 0.0
    for t in range(steps):
        for b in range(batch):
            m = mask[t, b]
            if m == 0.0:
                continue
            readout_at(h[t, b], head_weight, head_bias, y_hat)
            for o in range(outputs):
                err = y_hat[o] - y[t, b, o]
                loss += m * err * err
                g[o] = 2.0 * m * err * scale
            backprop_readout(g, h[t, b], head_weight, d_head_weight, d_head_bias, dh[t, b])
    return loss * scale, dh, d_head_weight, d_head_bias


@kernel
def softmax_readout(h, labels, mask, head_weight, head_bias):
    """Softmax cross-entropy of the readout. h (T, B, H); labels (T, B) class indices; mask (T, B).

    p = softmax(ŷ);  L = −Σ m log p_label / Σ m;  ∂L/∂ŷ = m (p − onehot(label)) / Σ m.
    Returns L, accuracy (mask-weighted share of steps whose argmax ŷ is the label), dh (T, B, H),
    d_head_weight (O, H), d_head_bias (O,).
    """
    steps, batch, _ = h.shape
    outputs = head_weight.shape[0]
    dh = np.zeros_like(h)
    d_head_weight = np.zeros_like(head_weight)
    d_head_bias = np.zeros_like(head_bias)
    logits = np.empty(outputs, dtype=h.dtype)
    total = mask.sum()
    loss = 0.0
    correct = 0.0
    for t in range(steps):
        for b in range(batch):
            m = mask[t, b]
            if m == 0.0:
                continue
            readout_at(h[t, b], head_weight, head_bias, logits)
            label = labels[t, b]
            top = np.argmax(logits)
            shift = logits[top]
            norm = 0.0
            for o in range(outputs):
                logits[o] = np.exp(logits[o] - shift)
                norm += logits[o]
            loss -= m * np.log(logits[label] / norm)
            if top == label:
                correct += m
            for o in range(outputs):
                logits[o] = m * logits[o] / (norm * total)  # now ∂L/∂ŷ
            logits[label] -= m / total
            backprop_readout(logits, h[t, b], head_weight, d_head_weight, d_head_bias, dh[t, b])
    return loss / total, correct / total, dh, d_head_weight, d_head_bias


@kernel
def adam_update(params, grads, ms, vs, scale, lr, beta1, beta2, eps, step):
    """One Adam step (Kingma & Ba, 2015) in place over every array at once, the gradient scaled first:

    params, grads, ms, vs: tuples of flat (N_k,) arrays, one per parameter;  g = scale · grad
    m ← β₁ m + (1 − β₁) g      v ← β₂ v + (1 − β₂) g²
    θ ← θ − lr · m̂ / (√v̂ + ε),   m̂ = m / (1 − β₁^step),  v̂ = v / (1 − β₂^step)
    One call per update, not one per array: the call itself costs as much as a small array's update.
    """
    correction1 = 1.0 - beta1**step
    correction2 = 1.0 - beta2**step
    for a in range(len(params)):
        p, grad, mm, vv = params[a], grads[a], ms[a], vs[a]
        for k in range(p.shape[0]):
            g = grad[k] * scale
            mm[k] = beta1 * mm[k] + (1.0 - beta1) * g
            vv[k] = beta2 * vv[k] + (1.0 - beta2) * g * g
            p[k] -= lr * (mm[k] / correction1) / (np.sqrt(vv[k] / correction2) + eps)
