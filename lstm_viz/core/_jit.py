"""The one decorator every kernel uses: ``@njit(cache=True)`` that never breaks the import.

numba writes compiled kernels next to the module (or to ``NUMBA_CACHE_DIR``). Where no
cache directory is writable, ``cache=True`` raises at decoration time; a slow first call
is acceptable in a classroom, an import crash is not, so we fall back to ``cache=False``.

Two options make the core's loops vectorise, and neither assumes the numbers are finite:
``error_model="numpy"`` lets a division by zero give ±inf/NaN as IEEE says instead of raising
``ZeroDivisionError`` (the check's branch alone stops LLVM from vectorising a loop that divides),
and ``fastmath={"contract"}`` lets a·b + c become one fused multiply-add (one rounding instead of
two). No ``nnan``/``ninf``: overflow must still behave as IEEE for the extreme-weight lessons.

``@kernel(vector=True, sums=True)`` also grants ``reassoc``, which LLVM needs to split one running
sum into vector lanes. Only for kernels whose loops are plain sums of products (IEEE inf/NaN are
unaffected, only the order of the additions changes): never for the activations, whose order of
operations *is* their accuracy (reassociated, Cody–Waite's two-part ln 2 would fold into one).
"""

from __future__ import annotations

import warnings

from numba import njit
from numba.core.errors import NumbaWarning

VECTOR_OPTIONS = {"error_model": "numpy", "fastmath": {"contract"}}
SUM_OPTIONS = {"error_model": "numpy", "fastmath": {"contract", "reassoc"}}


def kernel(fn=None, *, vector: bool = False, sums: bool = False):
    """Compile ``fn`` with ``@njit(cache=True)``, or without the on-disk cache if none is writable.

    ``@kernel(vector=True)`` adds :data:`VECTOR_OPTIONS` (IEEE division, fused multiply-add);
    ``sums=True`` adds :data:`SUM_OPTIONS` instead (the same, and sums vectorised across lanes).
    """
    if fn is None:
        return lambda f: kernel(f, vector=vector, sums=sums)
    options = SUM_OPTIONS if sums else VECTOR_OPTIONS if vector else {}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", NumbaWarning)
            return njit(cache=True, **options)(fn)
    except RuntimeError:
        return njit(cache=False, **options)(fn)
