"""Numerical yardsticks shared by the core tests: tolerances, random weights, finite differences.

Not a test module (pytest collects only ``test_*.py``); imported by the tests as ``numeric_checks``.
"""

from __future__ import annotations

import numpy as np

# Kernels vs the plain-numpy reference: both are float64 and follow the same equations, so they
# may differ only by rounding (summation order in the mat-vecs), far below this.
REFERENCE_TOL = 1e-12

# Finite differences: the fourth-order central stencil
#     f'(x) ≈ [8(f(x+ε) − f(x−ε)) − (f(x+2ε) − f(x−2ε))] / 12ε
# has truncation error O(ε⁴) and rounding error ≈ 1e-16·|L|/ε. With ε = 1e-3 both are ~1e-13,
# so a 1e-6 relative-error bound holds with a wide margin. (The plain two-point stencil at
# ε = 1e-6 carries ~1e-10 of rounding noise, which makes a 1e-6 bound flaky on small entries.)
FD_STEP = 1e-3
FD_TOL = 1e-6
FD_FLOOR = 1e-8  # below this magnitude an entry is "zero" and compared absolutely


def assert_close(actual, expected, tol=REFERENCE_TOL, name="array"):
    """max |actual − expected| ≤ tol · max(1, max |expected|): relative to the array's scale."""
    actual, expected = np.asarray(actual), np.asarray(expected)
    assert actual.shape == expected.shape, f"{name}: shape {actual.shape} != expected {expected.shape}"
    if expected.size == 0:
        return
    scale = max(1.0, float(np.max(np.abs(expected))))
    err = float(np.max(np.abs(actual.astype(np.float64) - expected)))
    assert err <= tol * scale, f"{name}: max error {err:.3g} exceeds {tol:g} × scale {scale:.3g}"


def random_weights(rng, input_size, hidden_size, gates, scale=1.0):
    """The four weight arrays ~ U(−s, s)/√H with s = ``scale`` (PyTorch's init when s = 1)."""
    rows, k = gates * hidden_size, scale / np.sqrt(hidden_size)
    return {
        "weight_ih": rng.uniform(-k, k, (rows, input_size)),
        "weight_hh": rng.uniform(-k, k, (rows, hidden_size)),
        "bias_ih": rng.uniform(-k, k, rows),
        "bias_hh": rng.uniform(-k, k, rows),
    }


def numerical_gradient(loss, array, step=FD_STEP):
    """∂loss/∂array by the fourth-order central stencil; ``array`` is perturbed in place and restored."""
    grad = np.zeros_like(array)
    for index in np.ndindex(array.shape):
        original = array[index]

        def at(delta, index=index, original=original):
            array[index] = original + delta
            try:
                return loss()
            finally:
                array[index] = original

        grad[index] = (8 * (at(step) - at(-step)) - (at(2 * step) - at(-2 * step))) / (12 * step)
    return grad


def relative_error(analytic, numeric, floor=FD_FLOOR):
    """max over entries of |a − n| / max(|a|, |n|, floor)."""
    analytic, numeric = np.asarray(analytic, dtype=np.float64), np.asarray(numeric, dtype=np.float64)
    if analytic.size == 0:
        return 0.0
    denominator = np.maximum(np.maximum(np.abs(analytic), np.abs(numeric)), floor)
    return float(np.max(np.abs(analytic - numeric) / denominator))
