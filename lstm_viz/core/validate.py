"""Input checks shared by the kernel wrappers: each raises a ``ValueError`` a student can read."""

from __future__ import annotations

import numpy as np

FLOAT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def as_float_array(value, name: str, dtype=None, copy: bool = True) -> np.ndarray:
    """Return ``value`` as a float32/float64 array, refusing complex, text, object or NaN/inf data.

    Integers and booleans are accepted and converted (``dtype`` or float64); a float32 array
    keeps float32 unless ``dtype`` asks otherwise. Always C-contiguous, and a fresh copy unless
    ``copy=False`` (for inputs that are read once and not kept, such as the backward pass's).
    """
    arr = np.asarray(value)
    if arr.dtype.kind not in "fiub":
        raise ValueError(
            f"{name} must hold real numbers, but its dtype is {arr.dtype} (use float32 or float64 values)."
        )
    if arr.dtype.kind == "f" and arr.dtype not in FLOAT_DTYPES:
        raise ValueError(f"{name} has dtype {arr.dtype}; use float32 or float64.")
    target = np.dtype(dtype) if dtype is not None else (arr.dtype if arr.dtype in FLOAT_DTYPES else np.float64)
    # Our own copy by default: whatever we keep must not change when the caller reuses their array.
    arr = np.array(arr, dtype=target, order="C", copy=True) if copy else np.ascontiguousarray(arr, dtype=target)
    check_finite(arr, name)
    return arr


def check_finite(arr: np.ndarray, name: str) -> None:
    """Raise if ``arr`` holds NaN or inf, saying where the first bad value is."""
    if np.isfinite(arr).all():  # the common case in two numpy calls; where the bad value is, only on failure
        return
    where = tuple(int(i) for i in np.argwhere(~np.isfinite(arr))[0])
    raise ValueError(
        f"{name} contains {'NaN' if np.isnan(arr[where]) else 'inf'} at index {where}; "
        "all values must be finite numbers."
    )


def check_shape(arr: np.ndarray, shape: tuple, name: str, meaning: str = "") -> None:
    """Raise unless ``arr.shape == shape``; ``meaning`` spells the symbols, e.g. ``'(4H, D)'``."""
    if arr.shape != tuple(shape):
        spelled = f" {meaning}" if meaning else ""
        raise ValueError(f"{name} must have shape {tuple(shape)}{spelled}, but it has shape {arr.shape}.")


def check_sequence(x, input_size: int, dtype, name: str = "x", copy: bool = True) -> np.ndarray:
    """Validate one input sequence ``x: (T, D)`` (a 1-D array is read as ``(T, 1)`` when D == 1)."""
    arr = as_float_array(x, name, dtype, copy)
    if arr.ndim == 1 and input_size == 1:
        arr = arr.reshape(-1, 1)
    if arr.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array (T, D) with one row per timestep; it has shape {arr.shape}.")
    if arr.shape[0] == 0:
        raise ValueError(f"{name} is an empty sequence; give at least one timestep.")
    if arr.shape[1] != input_size:
        raise ValueError(
            f"{name} has {arr.shape[1]} input features per step but the weights expect D = {input_size} "
            f"(x must have shape (T, {input_size}))."
        )
    return arr


def check_batch(x, input_size: int, dtype, name: str = "x", copy: bool = True) -> np.ndarray:
    """Validate a batch of sequences ``x: (B, T, D)``."""
    arr = as_float_array(x, name, dtype, copy)
    if arr.ndim != 3:
        raise ValueError(f"{name} must be a 3-D array (B, T, D); it has shape {arr.shape}.")
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape}); give at least one sequence of one step.")
    if arr.shape[2] != input_size:
        raise ValueError(f"{name} has D = {arr.shape[2]} input features but the weights expect D = {input_size}.")
    return arr


def check_state(value, hidden_size: int, dtype, name: str, batch: int | None = None) -> np.ndarray:
    """Validate an initial state: ``(H,)`` for one sequence or ``(B, H)`` for a batch; ``None`` means zeros."""
    shape = (hidden_size,) if batch is None else (batch, hidden_size)
    if value is None:
        return np.zeros(shape, dtype=dtype)
    arr = as_float_array(value, name, dtype)
    if batch is not None and arr.shape == (hidden_size,):
        arr = np.ascontiguousarray(np.broadcast_to(arr, shape))
    check_shape(arr, shape, name, "(H,)" if batch is None else "(B, H)")
    return arr
