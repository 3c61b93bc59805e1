"""Benchmarks: `make bench` runs every ``bench/bench_*.py`` module's ``main(report)``.

Each benchmark measures in one run on this machine and reports ratios (the thing measured against a
baseline measured in the same run), never a bare time compared with a fixed threshold.
"""
