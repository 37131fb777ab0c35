"""The LSTM as students call it: validated inputs in, a full :class:`LSTMTrace` / :class:`LSTMGrads` out."""

from __future__ import annotations

from .layout import (
    check_trace_matches,
    frozen,
    initial_state,
    remember_states,
    require_params,
    sequence_inputs,
    state_to_public,
    to_kernel,
    to_public,
    trace_states,
    upstream_gradient,
)
from .lstm_kernels import lstm_backward_kernel, lstm_forward_kernel
from .params import LSTMParams
from .traces import LSTMGrads, LSTMTrace


def _forward(params: LSTMParams, x, h0, c0, batched: bool) -> LSTMTrace:
    params = require_params(params, LSTMParams)
    xk = sequence_inputs(params, x, batched)
    batch = xk.shape[1]
    h0k = initial_state(params, h0, batch, batched, "h0")
    c0k = initial_state(params, c0, batch, batched, "c0")
    z, gates, c, tanh_c, h = lstm_forward_kernel(xk, params.weight_ih, params.weight_hh, params.bias, h0k, c0k)
    gates = to_public(gates, batched)
    hidden = params.hidden_size
    i, f, g, o = (gates[..., k * hidden : (k + 1) * hidden] for k in range(4))
    trace = LSTMTrace(
        x=to_public(xk, batched),
        preact=to_public(z, batched),
        i=i, f=f, g=g, o=o,
        c=to_public(c, batched),
        h=to_public(h, batched),
        tanh_c=to_public(tanh_c, batched),
        h0=state_to_public(h0k, batched),
        c0=state_to_public(c0k, batched),
    )  # fmt: skip
    vars(trace)["gates"] = frozen(gates)  # seed the cached ``gates``: i, f, g, o are views of this array
    remember_states(trace, params, h0k, c0k)
    return trace


def lstm_forward(params: LSTMParams, x, h0=None, c0=None) -> LSTMTrace:
    """Run one sequence ``x: (T, D)`` from ``h0, c0: (H,)`` (zeros by default); every step recorded."""
    return _forward(params, x, h0, c0, batched=False)


def lstm_forward_batch(params: LSTMParams, x, h0=None, c0=None) -> LSTMTrace:
    """Run ``B`` sequences at once, ``x: (B, T, D)``; the trace's arrays are ``(B, T, ·)``."""
    return _forward(params, x, h0, c0, batched=True)


def _backward(params: LSTMParams, x, trace: LSTMTrace, dh, dc_last, batched: bool) -> LSTMGrads:
    params = require_params(params, LSTMParams)
    xk = sequence_inputs(params, x, batched, copy=False)
    steps, batch, _ = xk.shape
    check_trace_matches(trace, LSTMTrace, xk, params.hidden_size, batched)
    dhk = upstream_gradient(params, dh, steps, batch, batched)
    dc_lastk = initial_state(params, dc_last, batch, batched, "dc_last")
    h0k, c0k = trace_states(params, trace, ("h0", "c0"), batch, batched)
    dtype = params.dtype
    out = lstm_backward_kernel(
        xk, params.weight_ih, params.weight_hh, h0k, c0k,
        to_kernel(trace.gates, batched, dtype), to_kernel(trace.c, batched, dtype),
        to_kernel(trace.tanh_c, batched, dtype), to_kernel(trace.h, batched, dtype), dhk, dc_lastk,
    )  # fmt: skip
    dh_total, dc_total, dz, dgates, dx, dh0, dc0, d_weight_ih, d_weight_hh, d_bias = out
    return LSTMGrads(
        dh_total=to_public(dh_total, batched),
        dc_total=to_public(dc_total, batched),
        dpreact=to_public(dz, batched),
        dgates=to_public(dgates, batched),
        dx=to_public(dx, batched),
        dh0=state_to_public(dh0, batched),
        dc0=state_to_public(dc0, batched),
        weight_ih=d_weight_ih,
        weight_hh=d_weight_hh,
        bias_ih=d_bias,
        bias_hh=d_bias.copy(),
    )


def lstm_backward(params: LSTMParams, x, trace: LSTMTrace, dh, dc_last=None) -> LSTMGrads:
    """Backpropagation through time for one sequence.

    dh: (T, H) direct gradient of the loss w.r.t. each h_t (the per-step loss terms);
    dc_last: (H,) direct gradient w.r.t. c_T (default 0). See :class:`LSTMGrads` for the maths.
    """
    return _backward(params, x, trace, dh, dc_last, batched=False)


def lstm_backward_batch(params: LSTMParams, x, trace: LSTMTrace, dh, dc_last=None) -> LSTMGrads:
    """BPTT for a batch: dh (B, T, H), dc_last (B, H); weight gradients are summed over the batch."""
    return _backward(params, x, trace, dh, dc_last, batched=True)
