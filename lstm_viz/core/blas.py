"""numpy's matrix products on one BLAS thread, for the few products the kernels hand to BLAS.

The OpenBLAS inside numpy's wheels splits any product above ~2.6e5 multiply-adds across every
core and then keeps its helper threads spinning. On a 2-core machine that also runs the app's
server and a browser, the helper waits for a free core: a 0.1 ms product of the (200, 32) trace
measured 7 ms. One thread is never much slower at our sizes, so while :func:`one_blas_thread` is
active we ask OpenBLAS for one thread and restore its setting afterwards. Where numpy is built on
another BLAS (no OpenBLAS symbol found) this is a no-op.
"""

from __future__ import annotations

import ctypes
import glob
import os
import threading
from contextlib import contextmanager

import numpy as np

THREADING_THRESHOLD = 4 * 65536  # OpenBLAS's own: GEMM_MULTITHREAD_THRESHOLD × SMP_THRESHOLD_MIN
_SYMBOL_PREFIXES = ("scipy_openblas", "openblas")  # numpy >= 2 wheels, then older wheels / system builds
_SYMBOL_SUFFIXES = ("64_", "")
_lock = threading.Lock()
_active = 0  # how many callers are inside one_blas_thread(); the first saves, the last restores
_saved_threads = 1


def _openblas_function(name: str):
    """``<prefix>_<name><suffix>`` from the OpenBLAS that numpy loaded, or None when there is none to find."""
    libs = os.path.join(os.path.dirname(np.__file__), os.pardir, "numpy.libs")
    for path in sorted(glob.glob(os.path.join(libs, "*openblas*"))):
        try:
            lib = ctypes.CDLL(path)  # already loaded by numpy: this returns the same library
        except OSError:
            continue
        for prefix in _SYMBOL_PREFIXES:
            for suffix in _SYMBOL_SUFFIXES:
                function = getattr(lib, f"{prefix}_{name}{suffix}", None)
                if function is not None:
                    return function
    return None


def _find_thread_controls():
    """(get, set) of the OpenBLAS that numpy loaded, or None when there is none to find."""
    get, set_ = _openblas_function("get_num_threads"), _openblas_function("set_num_threads")
    if get is None or set_ is None:
        return None
    set_.argtypes = [ctypes.c_int]
    return get, set_


def blas_core() -> str:
    """The CPU kernel family OpenBLAS chose at load time ("Haswell", "SkylakeX", "Zen", ...), or "unknown".

    Matrix products round differently from one family to the next (other blocking, other FMA use).
    """
    corename = _openblas_function("get_corename")
    if corename is None:
        return "unknown"
    corename.restype = ctypes.c_char_p
    return (corename() or b"unknown").decode("ascii", "replace")


_CONTROLS = _find_thread_controls()


@contextmanager
def one_blas_thread(multiply_adds: int):
    """Run the body's numpy matrix products on one OpenBLAS thread (thread-safe, re-entrant).

    ``multiply_adds`` is the size of the biggest product in the body: at or below
    :data:`THREADING_THRESHOLD` OpenBLAS stays on one thread by itself, and switching its thread
    count (~20 µs) would cost more than the product.
    """
    global _active, _saved_threads
    if _CONTROLS is None or multiply_adds <= THREADING_THRESHOLD:
        yield
        return
    get, set_ = _CONTROLS
    with _lock:
        if _active == 0:
            _saved_threads = get()
            set_(1)
        _active += 1
    try:
        yield
    finally:
        with _lock:
            _active -= 1
            if _active == 0:
                set_(_saved_threads)
