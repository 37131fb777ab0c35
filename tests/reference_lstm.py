"""An independent, plain-numpy LSTM and vanilla RNN, written from the textbook equations.

This is the yardstick the tests hold the numba kernels to. It shares no code with
``lstm_viz.core``: it takes bare arrays, loops over time in the most literal way and
returns plain dicts. Speed does not matter here; legibility does.

Notation (PyTorch layout, gate order i, f, g, o; ``x: (T, D)``, states ``(H,)``):

    z_t = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh                        (4H,)
    i_t = σ(z_i)   f_t = σ(z_f)   g_t = tanh(z_g)   o_t = σ(z_o)
    c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t
    h_t = o_t ⊙ tanh(c_t)

    vanilla RNN:  a_t = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh,   h_t = tanh(a_t)

The loss whose gradients the backward functions return is
    L = Σ_t dh[t] · h_t  (+ dc_last · c_T for the LSTM),
so ``dh`` holds the *direct* gradients ∂ℓ/∂h_t of per-step loss terms.
"""

from __future__ import annotations

import numpy as np

GATES = "ifgo"
PARAM_NAMES = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")


def sigmoid(z):
    """σ(z) = 1 / (1 + e^{-z}), evaluated without overflow for large |z|."""
    z = np.asarray(z, dtype=float)
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    ez = np.exp(z[~pos])
    out[~pos] = ez / (1.0 + ez)
    return out


def split_gates(stacked, hidden):
    """(…, 4H) → dict of the four (…, H) slices, in PyTorch's order i, f, g, o."""
    return {name: stacked[..., k * hidden : (k + 1) * hidden] for k, name in enumerate(GATES)}


# ----------------------------------------------------------------------------- LSTM


def lstm_forward(w, x, h0=None, c0=None):
    """One sequence through an LSTM (``w``: dict of the four weight arrays). (T, H) arrays + ``preact`` (T, 4H)."""
    weight_ih, weight_hh, bias_ih, bias_hh = (w[n] for n in PARAM_NAMES)
    x = np.asarray(x, dtype=float).reshape(len(x), -1)
    steps, hidden = len(x), weight_hh.shape[1]
    h_prev = np.zeros(hidden) if h0 is None else np.asarray(h0, dtype=float)
    c_prev = np.zeros(hidden) if c0 is None else np.asarray(c0, dtype=float)
    out = {k: np.zeros((steps, hidden)) for k in ("i", "f", "g", "o", "c", "h", "tanh_c")}
    out["preact"] = np.zeros((steps, 4 * hidden))
    out["h0"], out["c0"] = h_prev.copy(), c_prev.copy()
    for t in range(steps):
        z = weight_ih @ x[t] + bias_ih + weight_hh @ h_prev + bias_hh
        zs = split_gates(z, hidden)
        i, f, g, o = sigmoid(zs["i"]), sigmoid(zs["f"]), np.tanh(zs["g"]), sigmoid(zs["o"])
        c = f * c_prev + i * g
        tanh_c = np.tanh(c)
        h = o * tanh_c
        step = {"preact": z, "i": i, "f": f, "g": g, "o": o, "c": c, "tanh_c": tanh_c, "h": h}
        for name, value in step.items():
            out[name][t] = value
        h_prev, c_prev = h, c
    return out


def lstm_backward(w, x, fwd, dh, dc_last=None):
    """Backpropagation through time for L = Σ_t dh[t]·h_t + dc_last·c_T.

    Going backwards, with δh_{t+1→t} = W_hhᵀ ∂L/∂z_{t+1} and δc_{t+1→t} = ∂L/∂c_{t+1} ⊙ f_{t+1}:
        ∂L/∂h_t = dh[t] + δh_{t+1→t}
        ∂L/∂c_t = ∂L/∂h_t ⊙ o_t ⊙ (1 − tanh²c_t) + δc_{t+1→t}
        ∂L/∂o = ∂L/∂h_t ⊙ tanh c_t    ∂L/∂i = ∂L/∂c_t ⊙ g_t
        ∂L/∂g = ∂L/∂c_t ⊙ i_t         ∂L/∂f = ∂L/∂c_t ⊙ c_{t-1}
        ∂L/∂z = ∂L/∂(i,f,o) ⊙ σ' and ∂L/∂g ⊙ (1 − g²)
    """
    weight_ih, weight_hh = w["weight_ih"], w["weight_hh"]
    x = np.asarray(x, dtype=float).reshape(len(x), -1)
    dh = np.asarray(dh, dtype=float)
    steps, hidden = dh.shape
    grads = {
        **{n: np.zeros(np.shape(w[n])) for n in PARAM_NAMES},
        "dh_total": np.zeros((steps, hidden)),
        "dc_total": np.zeros((steps, hidden)),
        "dpreact": np.zeros((steps, 4 * hidden)),
        "dgates": np.zeros((steps, 4 * hidden)),
        "dx": np.zeros_like(x),
    }
    from_later_h = np.zeros(hidden)
    from_later_c = np.zeros(hidden) if dc_last is None else np.asarray(dc_last, dtype=float)
    for t in reversed(range(steps)):
        i, f, g, o = fwd["i"][t], fwd["f"][t], fwd["g"][t], fwd["o"][t]
        tanh_c = fwd["tanh_c"][t]
        c_prev = fwd["c"][t - 1] if t > 0 else fwd["c0"]
        h_prev = fwd["h"][t - 1] if t > 0 else fwd["h0"]

        dh_t = dh[t] + from_later_h
        dc_t = dh_t * o * (1.0 - tanh_c**2) + from_later_c

        d_i, d_f, d_g, d_o = dc_t * g, dc_t * c_prev, dc_t * i, dh_t * tanh_c
        dz = np.concatenate([d_i * i * (1 - i), d_f * f * (1 - f), d_g * (1 - g**2), d_o * o * (1 - o)])

        grads["dh_total"][t], grads["dc_total"][t] = dh_t, dc_t
        grads["dgates"][t] = np.concatenate([d_i, d_f, d_g, d_o])
        grads["dpreact"][t] = dz
        grads["dx"][t] = weight_ih.T @ dz
        grads["weight_ih"] += np.outer(dz, x[t])
        grads["weight_hh"] += np.outer(dz, h_prev)
        grads["bias_ih"] += dz
        grads["bias_hh"] += dz

        from_later_h = weight_hh.T @ dz
        from_later_c = dc_t * f
    grads["dh0"], grads["dc0"] = from_later_h, from_later_c
    return grads


def lstm_step_jacobian(weight_hh, fwd, t):
    """∂(h_t, c_t)/∂(h_{t-1}, c_{t-1}) as a (2H, 2H) matrix, from the chain rule on one step.

    ∂c/∂h_prev = diag(c_prev σ'_f) W_f + diag(g σ'_i) W_i + diag(i tanh'_g) W_g
    ∂c/∂c_prev = diag(f)
    ∂h/∂·      = diag(tanh c σ'_o) ∂z_o/∂· + diag(o (1 − tanh² c)) ∂c/∂·
    """
    hidden = weight_hh.shape[1]
    w = {name: weight_hh[k * hidden : (k + 1) * hidden] for k, name in enumerate(GATES)}  # ∂z_gate/∂h_{t-1}
    i, f, g, o = fwd["i"][t], fwd["f"][t], fwd["g"][t], fwd["o"][t]
    tanh_c = fwd["tanh_c"][t]
    c_prev = fwd["c"][t - 1] if t > 0 else fwd["c0"]

    dc_dh = (
        (c_prev * f * (1 - f))[:, None] * w["f"]
        + (g * i * (1 - i))[:, None] * w["i"]
        + (i * (1 - g**2))[:, None] * w["g"]
    )
    dc_dc = np.diag(f)
    through_c = (o * (1 - tanh_c**2))[:, None]
    dh_dh = (tanh_c * o * (1 - o))[:, None] * w["o"] + through_c * dc_dh
    dh_dc = through_c * dc_dc
    return np.block([[dh_dh, dh_dc], [dc_dh, dc_dc]])


# ----------------------------------------------------------------------------- vanilla RNN


def rnn_forward(w, x, h0=None):
    """One sequence through a tanh RNN. Returns ``a`` and ``h`` (T, H) and ``h0``."""
    weight_ih, weight_hh, bias_ih, bias_hh = (w[n] for n in PARAM_NAMES)
    x = np.asarray(x, dtype=float).reshape(len(x), -1)
    steps, hidden = len(x), weight_hh.shape[1]
    h_prev = np.zeros(hidden) if h0 is None else np.asarray(h0, dtype=float)
    out = {"a": np.zeros((steps, hidden)), "h": np.zeros((steps, hidden)), "h0": h_prev.copy()}
    for t in range(steps):
        a = weight_ih @ x[t] + bias_ih + weight_hh @ h_prev + bias_hh
        h = np.tanh(a)
        out["a"][t], out["h"][t] = a, h
        h_prev = h
    return out


def rnn_backward(w, x, fwd, dh):
    """BPTT for L = Σ_t dh[t]·h_t:  ∂L/∂h_t = dh[t] + W_hhᵀ ∂L/∂a_{t+1},  ∂L/∂a_t = ∂L/∂h_t ⊙ (1 − h_t²)."""
    weight_ih, weight_hh = w["weight_ih"], w["weight_hh"]
    x = np.asarray(x, dtype=float).reshape(len(x), -1)
    dh = np.asarray(dh, dtype=float)
    steps, hidden = dh.shape
    grads = {
        **{n: np.zeros(np.shape(w[n])) for n in PARAM_NAMES},
        "dh_total": np.zeros((steps, hidden)),
        "da": np.zeros((steps, hidden)),
        "dx": np.zeros_like(x),
    }
    from_later = np.zeros(hidden)
    for t in reversed(range(steps)):
        h_prev = fwd["h"][t - 1] if t > 0 else fwd["h0"]
        dh_t = dh[t] + from_later
        da = dh_t * (1.0 - fwd["h"][t] ** 2)
        grads["dh_total"][t], grads["da"][t] = dh_t, da
        grads["dx"][t] = weight_ih.T @ da
        grads["weight_ih"] += np.outer(da, x[t])
        grads["weight_hh"] += np.outer(da, h_prev)
        grads["bias_ih"] += da
        grads["bias_hh"] += da
        from_later = weight_hh.T @ da
    grads["dh0"] = from_later
    return grads


def rnn_step_jacobian(weight_hh, fwd, t):
    """∂h_t/∂h_{t-1} = diag(1 − h_t²) W_hh, (H, H)."""
    return (1.0 - fwd["h"][t] ** 2)[:, None] * weight_hh


# ----------------------------------------------------------------------------- batches


def _row(a, b):
    return None if a is None else a[b]


def lstm_forward_batch(w, x, h0=None, c0=None):
    """x: (B, T, D); h0, c0: (B, H) or None. The single-sequence results stacked along a batch axis."""
    runs = [lstm_forward(w, x[b], _row(h0, b), _row(c0, b)) for b in range(len(x))]
    return {k: np.stack([r[k] for r in runs]) for k in runs[0]}


def lstm_backward_batch(w, x, fwd, dh, dc_last=None):
    """Per-sequence gradients stacked (B, …); weight gradients summed over the batch."""
    runs = [lstm_backward(w, x[b], {k: v[b] for k, v in fwd.items()}, dh[b], _row(dc_last, b)) for b in range(len(x))]
    return _combine(runs)


def rnn_forward_batch(w, x, h0=None):
    runs = [rnn_forward(w, x[b], _row(h0, b)) for b in range(len(x))]
    return {k: np.stack([r[k] for r in runs]) for k in runs[0]}


def rnn_backward_batch(w, x, fwd, dh):
    runs = [rnn_backward(w, x[b], {k: v[b] for k, v in fwd.items()}, dh[b]) for b in range(len(x))]
    return _combine(runs)


def _combine(runs):
    out = {k: np.stack([r[k] for r in runs]) for k in runs[0] if k not in PARAM_NAMES}
    out.update({k: np.sum([r[k] for r in runs], axis=0) for k in PARAM_NAMES})
    return out


# ----------------------------------------------------------------------------- gradient flow


def gradient_flow(model, w, x, h0=None, c0=None, dh_last=None):
    """For L = dh_last · h_T: ‖∂L/∂h_t‖, ‖∂L/∂c_t‖ (LSTM) and ‖∂h_T/∂h_t‖₂ for every t.

    The Jacobian ∂h_T/∂h_t is the top-left (H, H) block of the product of one-step state
    Jacobians M_T ⋯ M_{t+1} (for the LSTM the state is (h, c), so ``c_t`` is held fixed).
    """
    weight_hh = w["weight_hh"]
    hidden = weight_hh.shape[1]
    dh_last = np.ones(hidden) / np.sqrt(hidden) if dh_last is None else np.asarray(dh_last, dtype=float)
    if model == "lstm":
        fwd = lstm_forward(w, x, h0, c0)
        step_jacobian, state = lstm_step_jacobian, 2 * hidden
    else:
        fwd = rnn_forward(w, x, h0)
        step_jacobian, state = rnn_step_jacobian, hidden
    steps = len(fwd["h"])
    dh = np.zeros((steps, hidden))
    dh[-1] = dh_last
    grads = lstm_backward(w, x, fwd, dh) if model == "lstm" else rnn_backward(w, x, fwd, dh)

    jacobian_norm = np.zeros(steps)
    product = np.eye(state)  # ∂S_{T-1}/∂S_t, starting at t = T-1
    for t in reversed(range(steps)):
        jacobian_norm[t] = np.linalg.norm(product[:hidden, :hidden], 2)
        if t > 0:
            product = product @ step_jacobian(weight_hh, fwd, t)
    return {
        "lag": steps - 1 - np.arange(steps),
        "dh_norm": np.linalg.norm(grads["dh_total"], axis=1),
        "dc_norm": np.linalg.norm(grads["dc_total"], axis=1) if model == "lstm" else None,
        "jacobian_norm": jacobian_norm,
    }
