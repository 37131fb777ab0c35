"""The kernels' own σ, tanh and e^y agree with numpy to a few units in the last place, IEEE edges included.

The kernels no longer call libm (its scalar calls stopped LLVM from vectorising the gate loops), so
these tests hold the replacements to numpy directly, over every scale a lesson can reach.
"""

from __future__ import annotations

import numpy as np
import pytest
from numba import njit
from reference_lstm import sigmoid as reference_sigmoid

from lstm_viz.core.activations import exp_nonpositive, sigmoid, tanh
from lstm_viz.core.allocator import reuse_freed_memory
from lstm_viz.core.blas import _CONTROLS, THREADING_THRESHOLD, one_blas_thread

ULP = 2.0**-52  # relative spacing of float64 at 1
FLOAT32_ULP = 2.0**-23
SCALES = [1e-300, 1e-12, 1e-6, 1e-3, 0.1, 0.5, 1.0, 3.0, 10.0, 30.0, 300.0, 1e300]
EDGES = np.array([0.0, -0.0, np.inf, -np.inf, 50.0, -50.0, 709.0, -709.0, 745.0, -746.0, 19.1, -19.1, 5e-324])


@njit
def _apply_tanh(values):
    return np.array([tanh(v) for v in values])


@njit
def _apply_sigmoid(values):
    return np.array([sigmoid(v) for v in values])


@njit
def _apply_exp(values):
    return np.array([exp_nonpositive(v) for v in values])


def _max_relative_error(actual, expected):
    nonzero = expected != 0
    assert np.array_equal(actual[~nonzero], expected[~nonzero])
    return float(np.max(np.abs(actual[nonzero] - expected[nonzero]) / np.abs(expected[nonzero]), initial=0.0))


@pytest.mark.parametrize("scale", SCALES)
def test_tanh_is_within_three_ulp_of_numpy_also_near_zero(scale):
    z = np.random.default_rng(0).normal(size=20_000) * scale
    assert _max_relative_error(_apply_tanh(z), np.tanh(z)) < 3 * ULP


@pytest.mark.parametrize("scale", SCALES)
def test_sigmoid_is_within_two_ulp_of_the_stable_reference(scale):
    z = np.random.default_rng(1).normal(size=20_000) * scale
    with np.errstate(over="ignore"):
        assert _max_relative_error(_apply_sigmoid(z), reference_sigmoid(z)) < 2 * ULP


def test_exp_matches_numpy_down_to_the_subnormals_and_underflows_to_zero():
    y = -np.concatenate([np.random.default_rng(2).uniform(0, 800, 20_000), [0.0, 708.4, 744.4, 745.2, 1e300, np.inf]])
    expected = np.exp(y)
    actual = _apply_exp(y)
    normal = expected > np.finfo(float).tiny
    assert _max_relative_error(actual[normal], expected[normal]) < 1.5 * ULP
    assert np.max(np.abs(actual[~normal] - expected[~normal])) <= 5e-324  # one subnormal step at most


def test_edges_behave_as_ieee_and_numpy_say():
    with np.errstate(over="ignore"):
        assert np.array_equal(_apply_tanh(EDGES), np.tanh(EDGES))
        assert np.array_equal(_apply_sigmoid(EDGES), reference_sigmoid(EDGES))
    assert _apply_sigmoid(np.array([0.0]))[0] == 0.5 and _apply_exp(np.array([0.0]))[0] == 1.0
    assert np.isnan(_apply_tanh(np.array([np.nan]))[0]) and np.isnan(_apply_sigmoid(np.array([np.nan]))[0])
    assert np.signbit(_apply_tanh(np.array([-0.0]))[0])


@pytest.mark.parametrize("scale", [1e-30, 1e-3, 0.5, 3.0, 30.0, 1e30])
def test_float32_activations_compute_in_float32_within_two_float32_ulp(scale):
    z = (np.random.default_rng(3).normal(size=20_000) * scale).astype(np.float32)
    exact = z.astype(np.float64)
    sigma, tanh_z = _apply_sigmoid(z), _apply_tanh(z)
    assert sigma.dtype == tanh_z.dtype == np.float32
    with np.errstate(over="ignore"):
        expected_sigma = reference_sigmoid(exact)
    scored = expected_sigma > np.finfo(np.float32).tiny  # below it float32 keeps fewer digits (subnormal)
    assert _max_relative_error(sigma[scored].astype(np.float64), expected_sigma[scored]) < 2 * FLOAT32_ULP
    assert _max_relative_error(tanh_z.astype(np.float64), np.tanh(exact)) < 2 * FLOAT32_ULP


def test_float32_edges_behave_as_ieee_says():
    edges = EDGES.astype(np.float32)
    with np.errstate(over="ignore"):
        assert np.array_equal(_apply_tanh(edges), np.tanh(edges))
        assert np.array_equal(_apply_sigmoid(edges), reference_sigmoid(edges.astype(np.float64)).astype(np.float32))
    assert np.signbit(_apply_tanh(np.array([-0.0], dtype=np.float32))[0])


def test_one_blas_thread_restores_the_callers_thread_count():
    if _CONTROLS is None:
        pytest.skip("numpy is not built on a findable OpenBLAS: one_blas_thread is a no-op here")
    get, _ = _CONTROLS
    before = get()
    with one_blas_thread(THREADING_THRESHOLD + 1):
        assert get() == 1
        with one_blas_thread(THREADING_THRESHOLD + 1):  # re-entrant: the inner exit must not restore early
            pass
        assert get() == 1
    assert get() == before


def test_reusing_freed_memory_is_harmless_to_ask_twice():
    assert reuse_freed_memory() == reuse_freed_memory()
