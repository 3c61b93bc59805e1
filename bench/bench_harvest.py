"""Harvest concurrency: all reports at once, against the slowest report harvested alone.

Reports take seconds to generate (the demo CRM's ``slow`` fault, as a real CRM's big reports do),
so a harvester that overlaps them finishes in about the time of the slowest one. Everything is
measured in one run on one demo CRM, each figure the best of ``REPEAT`` tries (the machine is
shared). Every harvest includes its browser start and sign-in, as a nightly run does.

Scale with ``HCPORTAL_BENCH_SCALE`` (default 1: 1,000 accounts, about 50,000 activity rows, and 4 s
of report generation; 0.2 for a quick look).
"""

from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import bench
from hcportal import democrm
from hcportal.core.clock import fixed
from hcportal.demo import demo_reports
from hcportal.democrm.faults import Faults
from hcportal.democrm.server import DemoCRM
from hcportal.harvest.auth import Credentials
from hcportal.harvest.crm import BrowserOptions, CrmTarget, RetryPolicy, harvest_crm
from hcportal.harvest.profile import load_profile

REPEAT = 2
TARGET = 1.3


def main(report) -> None:
    scale = bench.scale()
    accounts = max(20, round(1000 * scale))
    slow = round(4 * scale, 2)
    now = datetime(2026, 11, 23, 6, tzinfo=UTC)
    crm = DemoCRM.with_synthetic_data(
        accounts=accounts, seed=7, clock=fixed(now), faults=Faults.parse(["slow"], slow)
    )
    specs = demo_reports()
    rows, n = sum(len(df) for df in crm.data.values()), len(specs)
    print(f"  ({accounts:,} accounts, {rows:,} rows in {n} reports, {slow:g} s generation each)")
    work = Path(tempfile.mkdtemp(prefix="bench-harvest-"))
    runs = iter(range(10_000))
    opts = BrowserOptions(concurrency=len(specs))
    try:
        with democrm.running(crm) as served:
            target = CrmTarget(
                base_url=served.url,
                profile=load_profile("democrm"),
                credentials=Credentials(served.username, served.password),
                source="demo",
            )

            def best(chosen: dict, browser: BrowserOptions) -> float:
                times = []
                for _ in range(bench.tries(REPEAT)):
                    out = work / str(next(runs))
                    started = time.perf_counter()
                    harvest_crm(
                        target,
                        chosen,
                        out,
                        fixed(now + timedelta(seconds=next(runs))),
                        browser,
                        RetryPolicy(),
                    )
                    times.append(time.perf_counter() - started)
                return min(times)

            # A warm-up: the demo CRM formats and caches each export once (pointless in a smoke run).
            if not bench.smoke():
                best(specs, opts)
            # A smoke run times two reports alone, not seven: it shows the figures are made, and
            # each harvest (a browser start and a sign-in) is most of the test suite's time.
            alone = dict(list(specs.items())[:2]) if bench.smoke() else specs
            single = {name: best({name: spec}, opts) for name, spec in alone.items()}
            together = best(specs, opts)
            one_by_one = best(specs, replace(opts, concurrency=1))
            untraced = best(specs, replace(opts, trace=False))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    slowest = max(single.values())
    for name, seconds in single.items():
        report.measure(f"{name} alone (s, for reference)", seconds, "s")
    ratio = together / slowest
    report.measure(
        f"all {n} concurrently / slowest single report", ratio, "x", f"<= {TARGET}", ratio <= TARGET
    )
    report.measure(f"all {n} one by one / slowest single report", one_by_one / slowest, "x")
    report.measure(f"all {n} concurrently, tracing off / tracing on", untraced / together, "x")
