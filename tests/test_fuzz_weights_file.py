"""Fuzzing the weights-file loader: whatever bytes a student uploads, the loader returns valid
params or raises a ValueError with a message, never anything else (no crash, no pickle, no hang)."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from lstm_viz.core import LSTMParams, RNNParams
from lstm_viz.core.npz import MAX_ELEMENTS

NAMES = ("weight_ih", "weight_hh", "bias_ih", "bias_hh", "kind", "head_weight", "head_bias", "evil", "")
DTYPES = st.sampled_from(["f8", "f4", "f2", "i8", "u1", "?", "c16", "U3", "S2", "M8[s]"])


def _npz_bytes(arrays: dict) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def _load_or_refuse(cls, data: bytes):
    try:
        params = cls.load(data)
    except ValueError as exc:
        assert str(exc), "a refusal must say why"
        return None
    assert np.all(np.isfinite(params.weight_ih))
    assert params.dtype in (np.float32, np.float64)
    return params


@given(st.binary(max_size=2048))
def test_random_bytes_are_refused_with_a_message(data):
    for cls in (LSTMParams, RNNParams):
        assert _load_or_refuse(cls, data) is None


arrays_strategy = st.dictionaries(
    st.sampled_from(NAMES),
    hnp.arrays(DTYPES, hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=5)),
    max_size=6,
)


@given(arrays_strategy)
def test_arbitrary_arrays_give_valid_params_or_a_clear_error(arrays):
    data = _npz_bytes({name or "unnamed": value for name, value in arrays.items()})
    for cls in (LSTMParams, RNNParams):
        _load_or_refuse(cls, data)


@given(st.integers(1, 3), st.integers(1, 4), st.sampled_from(["f4", "f8"]), st.booleans())
def test_well_formed_files_load_back_exactly(input_size, hidden, dtype, with_nan):
    params = LSTMParams.init(input_size, hidden, seed=hidden).astype(dtype)
    arrays = {**params.arrays(), "kind": np.array("lstm")}
    if with_nan:
        arrays["weight_hh"] = arrays["weight_hh"].copy()
        arrays["weight_hh"].flat[0] = np.nan
    data = _npz_bytes(arrays)
    if with_nan:
        with pytest.raises(ValueError, match="NaN"):
            LSTMParams.load(data)
    else:
        loaded = LSTMParams.load(data)
        for name, value in params.arrays().items():
            np.testing.assert_array_equal(getattr(loaded, name), value)


def test_huge_array_is_refused_from_its_header_before_reading():
    """A zip bomb-ish entry: the header declares more numbers than the limit; refused unread."""
    header_only = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        header_only, {"descr": "<f8", "fortran_order": False, "shape": (MAX_ELEMENTS + 1,)}
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("weight_ih.npy", header_only.getvalue())  # no data behind the header at all
        for name in ("weight_hh", "bias_ih", "bias_hh"):
            archive.writestr(f"{name}.npy", _npy(np.zeros(4)))
    with pytest.raises(ValueError, match="limit"):
        LSTMParams.load(buffer.getvalue())


def _npy(array) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()
