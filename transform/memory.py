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
def _libc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None


@functools.cache
def reuse_big_allocations() -> bool:
    """Tune glibc's malloc once per process; a no-op (False) on any other C library."""
    mallopt = getattr(_libc(), "mallopt", None)
    if mallopt is None:
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return bool(
        mallopt(_M_MMAP_THRESHOLD, _THRESHOLD) and mallopt(_M_TRIM_THRESHOLD, 2 * _THRESHOLD)
    )


def release_free_memory() -> bool:
    """Give the memory the steps freed back to the system, before the output is written.

    The steps work in numpy and pandas (glibc's heap, which keeps up to 2 GiB of freed memory for
    reuse, above); writing the output works in Arrow, whose own allocator cannot reuse that heap.
    Without this, the heap's freed memory and the writers' memory add up at the transform's peak.
    False where there is no glibc (Arrow's pool is released all the same)."""
    import pyarrow as pa

    pa.default_memory_pool().release_unused()
    trim = getattr(_libc(), "malloc_trim", None)
    if trim is None:
        return False
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    trim(0)
    return True
