"""The one decorator every kernel uses: ``@njit(cache=True)`` that never breaks the import.

numba writes compiled kernels next to the module (or to ``NUMBA_CACHE_DIR``). Where no
cache directory is writable, ``cache=True`` raises at decoration time; a slow first call
is acceptable in a classroom, an import crash is not, so we fall back to ``cache=False``.
"""

from __future__ import annotations

import warnings

from numba import njit
from numba.core.errors import NumbaWarning


def kernel(fn):
    """Compile ``fn`` with ``@njit(cache=True)``, or without the on-disk cache if none is writable."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", NumbaWarning)
            return njit(cache=True)(fn)
    except RuntimeError:
        return njit(cache=False)(fn)
