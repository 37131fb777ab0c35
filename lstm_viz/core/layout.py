"""Moving arrays between the public layouts ((T, ·) or (B, T, ·)) and the kernels' (T, B, ·)."""

from __future__ import annotations

import numpy as np

from .validate import as_float_array, check_batch, check_sequence, check_shape, check_state


def frozen(array: np.ndarray) -> np.ndarray:
    """Mark ``array`` (always our own copy or view) read-only and return it.

    Every array a kernel receives is read-only: numba compiles one specialisation per
    writable/read-only mix, so one consistent flag means one compile per dtype, not five.
    """
    array.flags.writeable = False
    return array


def sequence_inputs(params, x, batched: bool, copy: bool = True) -> np.ndarray:
    """Validate ``x`` ((T, D), or (B, T, D) when ``batched``) and return it time-major, (T, B, D).

    ``copy=False`` when the result is read once and not kept (the backward pass): it may then be
    a read-only view of the caller's array.
    """
    if batched:
        x = check_batch(x, params.input_size, params.dtype, copy=copy)
        return frozen(np.ascontiguousarray(x.transpose(1, 0, 2)))
    return frozen(check_sequence(x, params.input_size, params.dtype, copy=copy)[:, None, :])


def initial_state(params, value, batch: int, batched: bool, name: str) -> np.ndarray:
    """Validate an initial state ((H,), or (B, H)/(H,) when batched) and return it as (B, H)."""
    if batched:
        return frozen(check_state(value, params.hidden_size, params.dtype, name, batch=batch))
    return frozen(check_state(value, params.hidden_size, params.dtype, name)[None, :])


def to_public(array: np.ndarray, batched: bool) -> np.ndarray:
    """(T, B, ·) -> (B, T, ·) when batched, else (T, ·) of the single sequence."""
    return np.ascontiguousarray(array.transpose(1, 0, 2)) if batched else array[:, 0, :]


def state_to_public(array: np.ndarray, batched: bool) -> np.ndarray:
    """(B, H) -> (B, H) when batched, else (H,)."""
    return array if batched else array[0]


def to_kernel(array: np.ndarray, batched: bool, dtype) -> np.ndarray:
    """(B, T, ·) or (T, ·) trace arrays -> contiguous (T, B, ·) for the kernels."""
    array = np.asarray(array, dtype=dtype)
    return frozen(np.ascontiguousarray(array.transpose(1, 0, 2) if batched else array[:, None, :]))


def upstream_gradient(params, dh, steps: int, batch: int, batched: bool) -> np.ndarray:
    """Validate the direct per-step gradients ``dh`` ((T, H) or (B, T, H)) and return them as (T, B, H)."""
    arr = as_float_array(dh, "dh", params.dtype, copy=False)  # read once by the kernel, never kept
    shape = (batch, steps, params.hidden_size) if batched else (steps, params.hidden_size)
    check_shape(arr, shape, "dh", "(B, T, H)" if batched else "(T, H): one row of ∂L/∂h_t per step")
    return frozen(np.ascontiguousarray(arr.transpose(1, 0, 2)) if batched else arr[:, None, :])


def remember_states(trace, params, *states: np.ndarray) -> None:
    """Keep the forward pass's checked initial states (kernel layout) on its ``trace`` for :func:`trace_states`."""
    vars(trace)[_STATES] = (params.dtype, states)


def trace_states(params, trace, names: tuple[str, ...], batch: int, batched: bool) -> tuple[np.ndarray, ...]:
    """The trace's initial states (``h0``, and ``c0`` for the LSTM) as (B, H) for the kernels.

    A trace from our own forward pass carries them already checked; any other is validated.
    """
    dtype, states = vars(trace).get(_STATES, (None, ()))
    if dtype == params.dtype:
        return states
    return tuple(initial_state(params, getattr(trace, name), batch, batched, name) for name in names)


_STATES = "_kernel_states"  # not a dataclass field: eq, repr and the dataclass helpers never see it


def require_params(params, cls):
    """Raise unless ``params`` is an instance of ``cls`` (LSTMParams or RNNParams)."""
    if not isinstance(params, cls):
        raise ValueError(f"expected {cls.__name__}, got {type(params).__name__}.")
    return params


def check_trace_matches(trace, trace_type, x_kernel: np.ndarray, hidden: int, batched: bool) -> None:
    """Raise unless ``trace`` is a ``trace_type`` computed from inputs shaped like ``x_kernel`` (T, B, D)."""
    if not isinstance(trace, trace_type):
        raise ValueError(
            f"the trace must come from this model's own forward pass (a {trace_type.__name__}), "
            f"got a {type(trace).__name__}."
        )
    steps, batch, _ = x_kernel.shape
    expected = (batch, steps, hidden) if batched else (steps, hidden)
    if trace.h.shape != expected:
        raise ValueError(
            f"the trace (h of shape {trace.h.shape}) does not belong to these inputs (expected {expected})."
        )
