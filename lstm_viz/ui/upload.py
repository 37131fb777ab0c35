"""Uploaded weights: read from bytes, checked, and kept in this session only (never in a shared cache).

The file uploader's callback hands the bytes to :func:`queue`; the next run calls :func:`process`, which
either stores the weights or keeps the previous ones and reports why the file was refused. Tests put
bytes in the queue directly, because AppTest cannot drive a file uploader.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from ..core import LSTMParams, RNNParams
from ..scenario import MAX_HIDDEN

PENDING = "upload.pending"  # (file name, bytes) waiting to be read
WEIGHTS = "upload.weights"  # the last good UploadedWeights
ERROR = "upload.error"  # why the last file was refused
UPLOADER = "w.upload_file"
MAX_INPUTS = 256  # D: no lesson task needs more; keeps a crafted file's forward pass small


@dataclass(frozen=True, eq=False)
class UploadedWeights:
    name: str
    digest: str  # sha256 of the file: the cache key of lessons built on it (session-scoped caches only)
    params: LSTMParams | RNNParams


def read_weights(data: bytes) -> LSTMParams | RNNParams:
    """LSTM or RNN weights from ``.npz`` bytes (the file's ``kind`` entry decides; else its shapes).

    Raises ValueError with a message for the student: not an .npz, missing arrays, wrong shapes,
    non-finite numbers, or a network larger than the app shows (H ≤ 64).
    """
    errors = []
    for cls in (LSTMParams, RNNParams):
        try:
            params = cls.load(bytes(data))
            break
        except ValueError as exc:
            errors.append(str(exc))
    else:
        raise ValueError(errors[0])
    if params.hidden_size > MAX_HIDDEN:
        raise ValueError(
            f"the file holds a network with H = {params.hidden_size} hidden units; this app shows up to {MAX_HIDDEN}."
        )
    if params.input_size > MAX_INPUTS:
        raise ValueError(f"the file's network reads D = {params.input_size} inputs; the limit is {MAX_INPUTS}.")
    return params


def queue(name: str, data: bytes) -> None:
    st.session_state[PENDING] = (name, bytes(data))


def on_file_change() -> None:
    """The file uploader's callback: queue the chosen file (a removed file keeps the last weights)."""
    file = st.session_state.get(UPLOADER)
    if file is not None:
        queue(file.name, file.getvalue())


def process(check: Callable[[UploadedWeights], object]) -> UploadedWeights | None:
    """Read a queued file: store and return its weights, or keep the last good ones and remember the error.

    check(weights) raises ValueError when the weights do not fit the lesson on screen (e.g. a different
    input size), so a refused file never replaces weights that worked.
    """
    pending = st.session_state.pop(PENDING, None)
    if pending is None:
        return None
    name, data = pending
    try:
        weights = UploadedWeights(name, hashlib.sha256(data).hexdigest(), read_weights(data))
        check(weights)
    except ValueError as exc:
        kept = st.session_state.get(WEIGHTS)  # the last good file, if any
        still = f"The weights from {kept.name!r} stay in use." if kept else "The networks keep random weights."
        st.session_state[ERROR] = f"Could not use {name!r}: {exc} {still}"
        return None
    st.session_state.pop(ERROR, None)
    st.session_state[WEIGHTS] = weights
    return weights


def weights() -> UploadedWeights | None:
    return st.session_state.get(WEIGHTS)


def error() -> str | None:
    return st.session_state.get(ERROR)
