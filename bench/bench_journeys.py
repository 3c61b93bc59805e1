"""The journey tables at worldwide scale (issue 14, item 6): what they add, against reading.

On the demo CRM's seven reports for 100,000 accounts (bench_transform's cached data: about 5
million activities, 950,000 cases, 2.3 million usage months, ...), reports in one run:

- **baseline**: pyarrow merely reading every report's CSV (all seven), in a fresh process;
- **journeys**: the transform's `journeys` step (stages of every event, each account's path and
  variant, drop-off, lift before support, paths that pay), timed by the transform itself inside a
  whole `transform.run` in another fresh process; its ratio to the baseline (target <= 1: the
  journey tables add at most the time of reading the reports), in wall and in CPU seconds.

``HCPORTAL_BENCH_SCALE`` scales the size (for developing on a shared machine).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from bench.bench_transform import ACCOUNTS, AS_OF, CLOCK, _usage, bench_data, scale

REPORTS = ("accounts", "contracts", "activities", "surveys", "tickets", "invoices", "usage")


def child_read(raw: Path) -> dict:
    import pyarrow.csv as pcsv

    skip_footer = pcsv.ParseOptions(invalid_row_handler=lambda row: "skip")
    cpu0, started = _usage()["cpu"], time.perf_counter()
    rows = sum(
        pcsv.read_csv(raw / f"{n}.csv", parse_options=skip_footer).num_rows
        for n in REPORTS
        if (raw / f"{n}.csv").is_file()
    )
    return {"wall": time.perf_counter() - started, "cpu": _usage()["cpu"] - cpu0, "rows": rows}


def child_transform(raw: Path) -> dict:
    from hcportal import transform
    from hcportal.transform.settings import TransformSettings

    tables = transform.run(raw, TransformSettings(), AS_OF, clock=CLOCK)
    return {
        "steps": tables.timings["seconds"],
        "steps_cpu": tables.timings["cpu_seconds"],
        "events": len(tables["events"]),
        "accounts": len(tables["journey_accounts"]),
        "peak_gb": _usage()["peak_gb"],
    }


def _spawn(*args: str) -> dict:
    proc = subprocess.run(
        [sys.executable, "-m", "bench.bench_journeys", *args],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if proc.returncode:
        raise RuntimeError(f"bench child {args[0]} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(report) -> None:  # pragma: no cover - run by `make bench`
    n = max(100, round(ACCOUNTS * scale()))
    started = time.perf_counter()
    raw = bench_data(n)
    missing = [r for r in REPORTS if not (raw / f"{r}.csv").is_file()]
    if missing:
        raise RuntimeError(f"{raw} lacks {missing}: delete it so that it is generated again")
    print(f"  data: {raw} ({time.perf_counter() - started:.0f} s to generate or find)")
    print(f"  machine load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    for name in REPORTS:  # into the page cache, so neither side pays for the disk
        (raw / f"{name}.csv").read_bytes()
    read = _spawn("read", str(raw))
    run = _spawn("transform", str(raw))
    print(f"  machine load average after:  {os.getloadavg()[0]:.2f}")
    steps, cpu = run["steps"], run["steps_cpu"]
    print(f"  {run['events']:,} events, {run['accounts']:,} accounts with a journey")
    print("  where the time goes: " + ", ".join(f"{k} {v:.2f}s" for k, v in steps.items()))
    report.measure("baseline: pyarrow reads the 7 CSVs (wall)", read["wall"], "s")
    report.measure("journeys step (wall)", steps["journeys"], "s")
    ratio = steps["journeys"] / read["wall"]
    report.measure("journeys step / pyarrow read (wall)", ratio, "x", "<= 1", ratio <= 1)
    report.measure("journeys step / pyarrow read (CPU seconds)", cpu["journeys"] / read["cpu"], "x")
    report.measure("transform peak memory (RSS high-water)", run["peak_gb"], "GB")


if __name__ == "__main__":
    mode, *args = sys.argv[1:]
    if mode == "read":
        print(json.dumps(child_read(Path(args[0]))))
    elif mode == "transform":
        print(json.dumps(child_transform(Path(args[0]))))
    else:
        raise SystemExit(f"unknown mode {mode}")
