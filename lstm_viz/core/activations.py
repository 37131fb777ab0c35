"""σ and tanh for the kernels, written so that LLVM vectorises the loops that call them.

libm's ``exp``/``tanh`` are opaque scalar calls (numba ships no vector maths library here), and
they dominated the forward pass. Both activations come from one evaluation of e^y − s, y ≤ 0:
    σ(z)   = 1 / (1 + e) for z ≥ 0, e / (1 + e) for z < 0      e = e^{−|z|}            (s = 0)
    tanh x = −m / (2 + m) · sign x                              m = e^{−2|x|} − 1 ∈ (−1, 0]  (s = 1)
(:func:`squash`, with k = 1 or 2 and s = 0 or 1). e^y − s is evaluated the textbook way:
    y = n ln2 + r,  n = round(y / ln2),  |r| ≤ ln2/2        (Cody–Waite, ln2 split in two parts)
    e^r − 1 = q = r + r² P(r)                               (Taylor, to the working precision)
    e^y − s = 2^n q + (2^n − s)                             (one fused multiply-add: exact near 0)
with 2^n built from its bits as 2^⌊n/2⌋ · 2^(n−⌊n/2⌋), so that each factor is a normal number even
when e^y is subnormal. Measured against numpy in float64: exp within 1.01 ulp, σ within 1.5 ulp of
the stable reference form, tanh within 2 ulp (relative, also for tiny |x|, where 1 − 2/(e^{2x} + 1)
would lose every digit). Overflow stays IEEE: σ(±inf) = 1, 0; tanh(±inf) = ±1; NaN stays NaN.

float32 kernels get the same algorithm in float32 arithmetic (eight lanes per AVX2 register instead
of four, and P of degree 5 instead of 11), within 1.5 float32 ulp of the float64 value. The
precision is picked at compile time by the argument's type (:func:`squash` is a numba overload).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, types
from numba.extending import overload

from ._jit import VECTOR_OPTIONS, kernel

LOG2_E = 1.4426950408889634


def _helpers(float_type, int_type, mantissa_bits, exponent_bias, ln2_hi, ln2_lo, underflow, polynomial):
    """The activation maths in one precision: ``float_type`` with ``int_type`` its bits' integer.

    ln2 = ln2_hi + ln2_lo, with n · ln2_hi exact for every n that reaches it; ``underflow``: e^y rounds
    to 0 below it; ``polynomial(r, r²)`` = P(r). Inlined into the caller in numba's IR (the caller's
    loop then vectorises: LLVM would not inline a function this size by itself).
    """
    zero, half, one, two = (float_type(v) for v in (0.0, 0.5, 1.0, 2.0))
    log2_e, ln2_hi, ln2_lo, underflow = (float_type(v) for v in (LOG2_E, ln2_hi, ln2_lo, underflow))
    round_magic = float_type(1.5 * 2.0**mantissa_bits)  # adding it leaves an integral n in the low mantissa bits

    @njit(inline="always", **VECTOR_OPTIONS)
    def pow2(n):
        """2^n for an integral float n in the normal exponent range, straight from the exponent bits."""
        bits = float_type(n + round_magic).view(int_type)  # = bits(round_magic) + n
        return int_type((bits + exponent_bias) << mantissa_bits).view(float_type)  # the magic's bits shift out

    @njit(inline="always", **VECTOR_OPTIONS)
    def exp_minus(y, minus_one):
        """e^y − s for y ≤ 0 (or NaN), s = 1 if ``minus_one`` else 0, subnormals and underflow to 0 included."""
        y = underflow if y < underflow else y  # written so that NaN passes through
        n = np.floor(y * log2_e + half)
        r = (y - n * ln2_hi) - n * ln2_lo
        r2 = r * r
        q = r + r2 * polynomial(r, r2)
        n_low = np.floor(half * n)
        scale_low, scale_high = pow2(n_low), pow2(n - n_low)
        return scale_low * (scale_high * q) + (scale_low * scale_high - (one if minus_one else zero))

    @njit(inline="always", **VECTOR_OPTIONS)
    def squash(x, is_tanh):
        """tanh x if ``is_tanh`` else σ(x), without a branch (see the module's docstring)."""
        e = exp_minus(-(two if is_tanh else one) * abs(x), is_tanh)
        numerator = -e if is_tanh else (one if x >= zero else e)
        ratio = numerator / (e + (two if is_tanh else one))
        return math.copysign(ratio, x if is_tanh else ratio)

    return exp_minus, squash


@njit(inline="always", **VECTOR_OPTIONS)
def _taylor_float64(r, r2):
    """Σ_{k=0..11} r^k / (k+2)! (the tail is < 2e-17 · |r|), by Estrin's scheme: four dependent
    multiply-adds instead of Horner's eleven, so the vectorised loop is not held up by one long chain."""
    r4 = r2 * r2
    p01 = 1.0 / 2.0 + r * (1.0 / 6.0)
    p23 = 1.0 / 24.0 + r * (1.0 / 120.0)
    p45 = 1.0 / 720.0 + r * (1.0 / 5040.0)
    p67 = 1.0 / 40320.0 + r * (1.0 / 362880.0)
    p89 = 1.0 / 3628800.0 + r * (1.0 / 39916800.0)
    p1011 = 1.0 / 479001600.0 + r * (1.0 / 6227020800.0)
    p03 = p01 + r2 * p23
    p47 = p45 + r2 * p67
    p811 = p89 + r2 * p1011
    return p03 + r4 * (p47 + r4 * p811)


@njit(inline="always", **VECTOR_OPTIONS)
def _taylor_float32(r, r2):
    """Σ_{k=0..5} r^k / (k+2)! in float32 (the tail is < 5e-8 · |r|, under one float32 ulp)."""
    single = np.float32
    p01 = single(1.0 / 2.0) + r * single(1.0 / 6.0)
    p23 = single(1.0 / 24.0) + r * single(1.0 / 120.0)
    p45 = single(1.0 / 720.0) + r * single(1.0 / 5040.0)
    return p01 + r2 * (p23 + r2 * p45)


# underflow: below it e^y is under half the smallest subnormal (e^-744.4 in float64, e^-103.3 in float32)
_FLOAT64 = _helpers(np.float64, np.int64, 52, 1023, 6.93147180369123816490e-01, 1.90821492927058770002e-10,
                    -745.2, _taylor_float64)  # fmt: skip
_FLOAT32 = _helpers(np.float32, np.int32, 23, 127, 0.693145751953125, 1.428606765330187045e-06,
                    -104.0, _taylor_float32)  # fmt: skip


def _in_precision(x):
    """The (exp_minus, squash) pair for a numba scalar type: float32's for float32, float64's otherwise."""
    return _FLOAT32 if x == types.float32 else _FLOAT64


def _in_precision_of(helper: int, name: str):
    """A function for jitted code that calls helper ``helper`` of :data:`_FLOAT64`/:data:`_FLOAT32`
    (0: exp_minus, 1: squash) in the precision of its first argument, chosen at compile time."""

    def dispatch(x, flag):
        raise NotImplementedError(f"{name} is for jitted kernels; call sigmoid, tanh or exp_nonpositive")

    @overload(dispatch, inline="always", jit_options=VECTOR_OPTIONS)
    def _typed(x, flag):
        precise = _in_precision(x)[helper]
        return lambda x, flag: precise(x, flag)

    dispatch.__name__ = dispatch.__qualname__ = name
    return dispatch


# squash(x, is_tanh): tanh x if ``is_tanh`` else σ(x);  _exp_minus(y, minus_one): e^y − s (see _helpers)
squash = _in_precision_of(1, "squash")
_exp_minus = _in_precision_of(0, "_exp_minus")


@kernel(vector=True)
def exp_nonpositive(y):
    """e^y for y ≤ 0 (or NaN), subnormals and underflow to 0 included."""
    return _exp_minus(y, False)


@kernel(vector=True)
def sigmoid(z):
    """σ(z) = 1 / (1 + e^{-z}), in the stable form: no overflow, tiny values kept."""
    return squash(z, False)


@kernel(vector=True)
def tanh(x):
    """tanh x, accurate to the last digits also near 0."""
    return squash(x, True)
