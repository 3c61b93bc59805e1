"""Benchmarks: `make bench` runs every ``bench/bench_*.py`` module's ``main(report)``.

Each benchmark measures in one run on this machine and reports ratios (the thing measured against a
baseline measured in the same run), never a bare time compared with a fixed threshold.
"""

from __future__ import annotations

import os

# Below this scale a run only shows that the benchmark still works (tests/test_bench.py).
SMOKE = 0.01


def scale() -> float:
    """``HCPORTAL_BENCH_SCALE`` (default 1): the sizes, scaled, for developing on a shared machine."""
    return float(os.environ.get("HCPORTAL_BENCH_SCALE", "1"))


def smoke() -> bool:
    """Whether this run only shows that the benchmark works (its figures mean nothing)."""
    return scale() < SMOKE


def tries(best_of: int) -> int:
    """How many tries a figure is the best of: ``best_of`` when measuring, one in a smoke run
    (a whole harvest per try is most of the test suite's time)."""
    return 1 if smoke() else best_of
