"""The health score at worldwide scale (issue 12): what scoring adds to the transform.

Uses the transform benchmark's data (democrm, fixed seed, 100,000 accounts with all seven reports:
about 5,000,000 activities, 950,000 cases, 1,150,000 invoices, 2,300,000 usage months, 700,000
survey rows, as the demo CRM exports them; generated once, cached under ``build/bench/``) and
reports in one run, in one process:

- **baseline**: the time pyarrow takes merely to read the seven CSVs;
- **score**: the transform's ``score`` step (measures from the events table, tone of the distinct
  texts, scoring, explanation and alerts), from the transform's own step timings, as a ratio to
  the baseline (target: at most 0.5, "scoring adds at most half the time of reading the
  reports"); and the score of the same events again, as :func:`transform.score.compute` alone.

``HCPORTAL_BENCH_SCALE`` (default 1) scales the sizes.
"""

from __future__ import annotations

import os
import time

from bench.bench_transform import ACCOUNTS, AS_OF, CLOCK, REPORTS, bench_data, scale


def main(report) -> None:  # pragma: no cover - run by `make bench`
    import pyarrow.csv as pcsv

    from hcportal import transform
    from hcportal.transform.score import compute
    from hcportal.transform.settings import TransformSettings

    n = max(100, round(ACCOUNTS * scale()))
    started = time.perf_counter()
    raw = bench_data(n)
    print(f"  data: {raw} ({time.perf_counter() - started:.0f} s to generate or find)")
    print(f"  machine load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    for name in REPORTS:
        (raw / f"{name}.csv").read_bytes()  # into the page cache
    started, cpu = time.perf_counter(), time.process_time()
    skip_footer = pcsv.ParseOptions(invalid_row_handler=lambda row: "skip")  # the export's footer
    rows = sum(
        pcsv.read_csv(raw / f"{name}.csv", parse_options=skip_footer).num_rows for name in REPORTS
    )
    read, read_cpu = time.perf_counter() - started, time.process_time() - cpu
    tables = transform.run(raw, TransformSettings(), AS_OF, clock=CLOCK)
    steps = tables.timings["seconds"]
    score = steps["score"]
    started, cpu = time.perf_counter(), time.process_time()
    compute(tables["events"], tables["accounts"], TransformSettings().score, AS_OF)
    again, again_cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"  machine load average after:  {os.getloadavg()[0]:.2f}")
    report.measure(f"rows read ({len(REPORTS)} reports)", rows, "rows")
    report.measure("events scored", len(tables["events"]), "rows")
    report.measure("baseline: pyarrow reads the 7 CSVs (wall)", read, "s")
    report.measure("score step (wall)", score, "s")
    report.measure(
        "score step / pyarrow read (wall)", score / read, "x", "<= 0.5", score / read <= 0.5
    )
    report.measure("score.compute alone / pyarrow read (wall)", again / read, "x")
    # CPU seconds too (all threads: pyarrow reads with several), which the other engineers'
    # load on the shared cores distorts less than the wall clock.
    report.measure("baseline: pyarrow reads the 7 CSVs (CPU)", read_cpu, "s")
    score_cpu = tables.timings["cpu_seconds"]["score"]
    report.measure("score step (CPU)", score_cpu, "s")
    report.measure("score step / pyarrow read (CPU)", score_cpu / read_cpu, "x")
    report.measure("score.compute alone (CPU)", again_cpu, "s")
    report.measure("score.compute alone / pyarrow read (CPU)", again_cpu / read_cpu, "x")
    print("  where the time goes: " + ", ".join(f"{k} {v:.2f}s" for k, v in steps.items()))
