"""Keep glibc from handing every trace's memory back to the kernel between calls.

A forward+backward pass of (T=1000, H=32) returns ~6 MB of fresh arrays (every gate and gradient
at every step). glibc serves arrays above its mmap threshold (128 KB at start) with a fresh
``mmap`` and unmaps them on free, and it trims freed heap memory above 128 KB: so every call
touched new pages, ~1600 page faults at ~3 µs each on our VMs, more time than the arithmetic.
glibc raises both thresholds by itself (up to 32 MB / 64 MB) only after freeing a chunk bigger
than the current threshold, which equal-sized traces never do. We start it at that ceiling,
so freed traces are reused instead of faulted in again; the cost is that up to 64 MB of freed
memory stays with the process. Anywhere but glibc (macOS, Windows, musl) this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util

M_TRIM_THRESHOLD = -1  # mallopt parameter numbers from glibc's <malloc.h>
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD_BYTES = 32 * 1024 * 1024  # glibc's own upper bound for its dynamic mmap threshold
TRIM_THRESHOLD_BYTES = 2 * MMAP_THRESHOLD_BYTES  # the ratio glibc keeps when it adjusts by itself


def reuse_freed_memory() -> bool:
    """Set glibc's mmap and trim thresholds to their dynamic ceiling; False where there is no glibc."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    ok = mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES) == 1
    return mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES) == 1 and ok
