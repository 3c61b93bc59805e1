"""Let glibc keep and reuse the memory of big temporary arrays instead of returning it at once.

A 5,000,000-row column is 40 MB. glibc serves any allocation above its mmap threshold (at most
32 MB) with a fresh mapping and unmaps it on free, so every such temporary costs the kernel page
faults to zero 10,000 pages again: about a second of system time per transform at worldwide scale,
measured. Raising the threshold (and the trim threshold with it) makes big arrays come from the
heap, where a freed one is reused by the next. The same effect as the documented environment
variables ``MALLOC_MMAP_THRESHOLD_`` / ``MALLOC_TRIM_THRESHOLD_``, set from inside the process.
Peak memory is unchanged (measured); only memory that was about to be reused is kept.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import sys

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_THRESHOLD = 1 << 30  # 1 GiB: allocations above it still get their own mapping


@functools.cache
def reuse_big_allocations() -> bool:
    """Tune glibc's malloc once per process; a no-op (False) on any other C library."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return bool(
        mallopt(_M_MMAP_THRESHOLD, _THRESHOLD) and mallopt(_M_TRIM_THRESHOLD, 2 * _THRESHOLD)
    )
