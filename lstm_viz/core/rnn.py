"""The vanilla RNN as students call it: validated inputs in, :class:`RNNTrace` / :class:`RNNGrads` out."""

from __future__ import annotations

from .layout import (
    check_trace_matches,
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
from .params import RNNParams
from .rnn_kernels import rnn_backward_kernel, rnn_forward_kernel
from .traces import RNNGrads, RNNTrace


def _forward(params: RNNParams, x, h0, batched: bool) -> RNNTrace:
    params = require_params(params, RNNParams)
    xk = sequence_inputs(params, x, batched)
    h0k = initial_state(params, h0, xk.shape[1], batched, "h0")
    a, h = rnn_forward_kernel(xk, params.weight_ih, params.weight_hh, params.bias, h0k)
    trace = RNNTrace(
        x=to_public(xk, batched), a=to_public(a, batched), h=to_public(h, batched), h0=state_to_public(h0k, batched)
    )
    remember_states(trace, params, h0k)
    return trace


def rnn_forward(params: RNNParams, x, h0=None) -> RNNTrace:
    """Run one sequence ``x: (T, D)`` from ``h0: (H,)`` (zeros by default); every step recorded."""
    return _forward(params, x, h0, batched=False)


def rnn_forward_batch(params: RNNParams, x, h0=None) -> RNNTrace:
    """Run ``B`` sequences at once, ``x: (B, T, D)``; the trace's arrays are ``(B, T, H)``."""
    return _forward(params, x, h0, batched=True)


def _backward(params: RNNParams, x, trace: RNNTrace, dh, batched: bool) -> RNNGrads:
    params = require_params(params, RNNParams)
    xk = sequence_inputs(params, x, batched, copy=False)
    steps, batch, _ = xk.shape
    check_trace_matches(trace, RNNTrace, xk, params.hidden_size, batched)
    dhk = upstream_gradient(params, dh, steps, batch, batched)
    (h0k,) = trace_states(params, trace, ("h0",), batch, batched)
    hk = to_kernel(trace.h, batched, params.dtype)
    dh_total, da, dx, dh0, d_weight_ih, d_weight_hh, d_bias = rnn_backward_kernel(
        xk, params.weight_ih, params.weight_hh, h0k, hk, dhk
    )
    return RNNGrads(
        dh_total=to_public(dh_total, batched),
        da=to_public(da, batched),
        dx=to_public(dx, batched),
        dh0=state_to_public(dh0, batched),
        weight_ih=d_weight_ih,
        weight_hh=d_weight_hh,
        bias_ih=d_bias,
        bias_hh=d_bias.copy(),
    )


def rnn_backward(params: RNNParams, x, trace: RNNTrace, dh) -> RNNGrads:
    """Backpropagation through time for one sequence; dh: (T, H) direct ∂ℓ/∂h_t per step."""
    return _backward(params, x, trace, dh, batched=False)


def rnn_backward_batch(params: RNNParams, x, trace: RNNTrace, dh) -> RNNGrads:
    """BPTT for a batch: dh (B, T, H); weight gradients are summed over the batch."""
    return _backward(params, x, trace, dh, batched=True)
