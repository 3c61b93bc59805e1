"""The transform at worldwide scale (issues 3 and 11): its wall time against merely reading the CSVs.

Generates (democrm, fixed seed) 100,000 accounts, ~500,000 contracts and ~5,000,000 activities, and
the four optional reports at the volumes the demo generator gives them (tickets, invoices, usage
months, survey rows), as the demo CRM exports them, caches the CSVs under ``build/bench/``, and
reports in one run:

- **baseline**: the time pyarrow takes merely to read the seven CSVs (``pyarrow.csv.read_csv``
  with its defaults; the report footer's rows are skipped by an invalid-row handler);
- **events and customer objects** (issue 11): the ``events`` step plus writing
  ``customers.jsonl`` (as ``transform.write`` times it), as a ratio to the baseline (target 1.0),
  and what validating every written object against the schema would cost;
- **transform**: ``transform.run`` (read, clean, policy, efficacy, influenced pipeline) as a ratio
  to the baseline (target 1.5), and with ``transform.write`` (the output files) as another ratio;
- **per-account loop**: the same policy written as a straightforward Python loop over accounts,
  timed on a 1% sample and extrapolated to all accounts; its statuses are asserted equal to the
  transform's on the sample;
- **peak memory** of the transform (resident high-water mark of its process; target < 6 GB).

Baseline and transform each run in a fresh process, as a user's command would (a first read in a
process also pays for the memory it maps), alternately, ``ROUNDS`` times; the medians are compared.
CPU seconds (all threads) are reported beside wall seconds: on a shared machine they are the
steadier measure of work done.

``HCPORTAL_BENCH_SCALE`` (default 1) scales the sizes, for developing on a shared machine.
"""

from __future__ import annotations

import csv
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bench import scale, tries
from hcportal.core import clock

SEED = 2026
AS_OF = date(2026, 11, 23)
CLOCK = clock.fixed(datetime(2026, 11, 23, 6, 0, tzinfo=UTC))
ACCOUNTS = 100_000
SAMPLE = 0.01
ROUNDS = 3
CACHE = Path("build/bench")
REPORTS = ("accounts", "contracts", "activities", "tickets", "invoices", "usage", "surveys")


def bench_data(accounts: int) -> Path:
    """The three reports for ``accounts`` accounts, generated once and cached by seed and size."""
    folder = CACHE / f"transform-seed{SEED}-{accounts}-{AS_OF.isoformat()}-{len(REPORTS)}reports"
    if (folder / "done").is_file():
        return folder
    from hcportal import democrm
    from hcportal.democrm.catalog import REPORTS as CATALOG

    folder.mkdir(parents=True, exist_ok=True)
    reports = democrm.generate(accounts=accounts, seed=SEED, today=AS_OF)
    for key, df in reports.items():
        # As the demo CRM's export writes them: every value quoted, CRLF, a report footer.
        with (folder / f"{key}.csv").open("w", encoding="utf-8", newline="") as f:
            df.to_csv(f, index=False, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
            f.write(
                f'\r\n"{CATALOG[key].title}"\r\n"Confidential Information - Do Not Distribute"\r\n'
            )
    (folder / "done").write_text(json.dumps({k: len(v) for k, v in reports.items()}))
    return folder


# -- the two measured programs, each run in a fresh process -----------------------------------------


def _usage() -> dict:
    t = os.times()
    return {"cpu": t.user + t.system, "peak_gb": _peak_kb() * 1024 / 1e9}


def _peak_kb() -> int:
    """This process's resident high-water mark. Linux keeps ``ru_maxrss`` across fork and exec,
    so a child of a big parent (``make bench`` after the site benchmark) would report the
    parent's peak; ``VmHWM`` belongs to the process's own memory since its exec."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def child_read(raw: Path) -> dict:
    import pyarrow.csv as pcsv

    skip_footer = pcsv.ParseOptions(invalid_row_handler=lambda row: "skip")
    cpu0, started = _usage()["cpu"], time.perf_counter()
    rows = sum(pcsv.read_csv(raw / f"{n}.csv", parse_options=skip_footer).num_rows for n in REPORTS)
    wall = time.perf_counter() - started
    return {"wall": wall, "cpu": _usage()["cpu"] - cpu0, "rows": rows, **_peak()}


def child_transform(raw: Path, out: Path) -> dict:
    from hcportal import transform
    from hcportal.transform.settings import TransformSettings

    cpu0, started = _usage()["cpu"], time.perf_counter()
    tables = transform.run(raw, TransformSettings(), AS_OF, clock=CLOCK)
    run_wall, run_cpu = time.perf_counter() - started, _usage()["cpu"] - cpu0
    transform.write(tables, out)
    wall = time.perf_counter() - started
    timings = json.loads((out / transform.TIMINGS).read_text("utf-8"))  # beside meta.json
    return {
        "run_wall": run_wall,
        "run_cpu": run_cpu,
        "wall": wall,
        "cpu": _usage()["cpu"] - cpu0,
        "steps": timings["seconds"],
        "steps_cpu": timings["cpu_seconds"],
        **_peak(),
    }


def write_floor(source: Path, scratch: Path, block: int = 64 << 20) -> float:
    """Seconds to write ``source``'s bytes to ``scratch`` from memory (read first, not timed),
    closing the file as the writer does; ``scratch`` is removed."""
    blocks = []
    with source.open("rb") as f:
        while chunk := f.read(block):
            blocks.append(chunk)
    try:
        started = time.perf_counter()
        with scratch.open("wb") as f:
            for chunk in blocks:
                f.write(chunk)
        return time.perf_counter() - started
    finally:
        scratch.unlink(missing_ok=True)


def _peak() -> dict:
    return {"peak_gb": _usage()["peak_gb"]}


def _spawn(*args: str) -> dict:
    proc = subprocess.run(
        [sys.executable, "-m", "bench.bench_transform", *args],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode:
        raise RuntimeError(f"bench child {args[0]} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# -- the straightforward per-account loop -----------------------------------------------------------


_FORMATS = ("%Y-%m-%d", "%Y-%m-%d-%H:%M", "%Y-%m-%d %H:%M", "%m/%d/%Y", "%m/%d/%Y %I:%M %p")


def _day(text: str) -> date | None:
    from datetime import datetime

    for fmt in _FORMATS:
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    return None


def _flag(text: str) -> bool:
    t = text.strip().upper()
    return t in {"Y", "YES", "TRUE", "T"} or (t.isdigit() and int(t) > 0)


def loop_policy(accounts: dict[str, dict], policy, as_of: date) -> dict[tuple, str]:
    """GUIDE section 4 one account at a time, one row at a time: what a first version looks like.

    ``accounts``: key -> {"contracts": [(line, product, start, end, amount)], "activities":
    [(subject, timestamp, attachment)]} as raw strings. Returns {(contract line, occasion, k): status}.
    """
    subject = re.compile(policy.evidence_subject, re.IGNORECASE)
    day = timedelta(days=1)
    out: dict[tuple, str] = {}
    for book in accounts.values():
        attached, unattached = [], []
        for subj, stamp, flag in book["activities"]:
            when = _day(stamp)
            if when is None or when > as_of or not subject.search(subj):
                continue
            (attached if _flag(flag) else unattached).append(when)
        seen = set()
        for line, product, start_s, end_s, amount in book["contracts"]:
            start, end = _day(start_s), _day(end_s) if end_s.strip() else None
            if start is None or (end_s.strip() and end is None) or (end and end < start):
                continue
            if (product, start, end, amount) in seen:  # a duplicate row counts once
                continue
            seen.add((product, start, end, amount))
            due_dates = [("onboarding", 1, start + policy.after_start_days * day)]
            if end:
                due_dates.append(("renewal", 1, end - policy.before_end_days * day))
            else:
                k, limit = 1, as_of + policy.horizon_days * day
                while True:
                    due = start + k * policy.evergreen_every_days * day
                    due_dates.append(("periodic", k, due))
                    if due > limit:
                        break
                    k += 1
            for name, k, due in due_dates:
                if due < start or (end and due > end):
                    continue
                ws = due - policy.window_before_days * day
                we = due + policy.window_after_days * day
                if any(ws <= d <= we for d in attached):
                    status = "done"
                elif as_of > we:
                    status = "missed"
                elif due < as_of:
                    status = "overdue"
                elif ws <= as_of:
                    status = "pending"
                elif due <= as_of + policy.horizon_days * day:
                    status = "upcoming"
                else:
                    status = "later"
                out[(line, name, k)] = status
    return out


def sample_books(raw: Path, fraction: float) -> tuple[dict[str, dict], int]:
    """The raw rows of a fixed sample of accounts, grouped by account (setup, not timed)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    from hcportal.transform import clean
    from hcportal.transform.csvfile import read_export

    def rows(name: str, headers: list[str]) -> tuple[list, object]:
        e = read_export(raw / f"{name}.csv", lambda h: dict.fromkeys(headers, False))
        keys = clean.key_values(e.columns[headers[0]].combine_chunks())
        return e, keys

    _, acc_keys = rows("accounts", ["Account"])
    keys = np.unique(acc_keys.to_numpy(zero_copy_only=False))
    chosen = np.random.default_rng(SEED).choice(keys, max(1, int(len(keys) * fraction)), False)
    books = {k: {"contracts": [], "activities": []} for k in chosen.tolist()}
    con, con_keys = rows("contracts", ["Account", "Product", "Start Date", "End Date", "Amount"])
    mask = pc.is_in(con_keys, value_set=pa.array(chosen.tolist(), pa.string()))
    for i in np.flatnonzero(mask.to_numpy(zero_copy_only=False)):
        k = con_keys[i].as_py()
        books[k]["contracts"].append(
            (int(con.lines[i]), *(con.columns[h][int(i)].as_py() for h in
             ("Product", "Start Date", "End Date", "Amount")))
        )  # fmt: skip
    act, act_keys = rows("activities", ["Account", "Subject", "Timestamp", "Attachment"])
    mask = pc.is_in(act_keys, value_set=pa.array(chosen.tolist(), pa.string()))
    idx = np.flatnonzero(mask.to_numpy(zero_copy_only=False))
    taken = {
        h: act.columns[h].take(idx).to_pylist() for h in ("Subject", "Timestamp", "Attachment")
    }
    for j, i in enumerate(idx):
        books[act_keys[int(i)].as_py()]["activities"].append(
            (taken["Subject"][j], taken["Timestamp"][j], taken["Attachment"][j])
        )
    return books, len(keys)


# -- the report -----------------------------------------------------------------------------------


def main(report) -> None:  # pragma: no cover - run by `make bench`
    n = max(100, round(ACCOUNTS * scale()))
    started = time.perf_counter()
    raw = bench_data(n)
    sizes = json.loads((raw / "done").read_text())
    print(f"  data: {raw} {sizes} ({time.perf_counter() - started:.0f} s to generate or find)")
    print(f"  machine load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    for name in REPORTS:  # into the page cache, so neither side pays for the disk
        (raw / f"{name}.csv").read_bytes()
    out = CACHE / "transform-out"
    reads, runs = [], []
    for _ in range(ROUNDS):
        reads.append(_spawn("read", str(raw)))
        runs.append(_spawn("transform", str(raw), str(out)))
    print(f"  machine load average after:  {os.getloadavg()[0]:.2f}")
    for i, (r, t) in enumerate(zip(reads, runs, strict=True), start=1):
        print(
            f"  round {i}: read {r['wall']:.2f} s ({r['cpu']:.2f} s CPU), transform.run "
            f"{t['run_wall']:.2f} s ({t['run_cpu']:.2f} s CPU), + write {t['wall']:.2f} s"
        )

    def med(rows: list[dict], key: str) -> float:
        return statistics.median(r[key] for r in rows)

    base, base_cpu = med(reads, "wall"), med(reads, "cpu")
    run_wall, run_cpu, full = med(runs, "run_wall"), med(runs, "run_cpu"), med(runs, "wall")
    report.measure(f"baseline: pyarrow reads the {len(REPORTS)} CSVs (median wall)", base, "s")
    report.measure("transform.run (median wall)", run_wall, "s")
    report.measure(
        "transform.run / pyarrow read (wall)",
        run_wall / base,
        "x",
        "<= 1.5",
        run_wall / base <= 1.5,
    )
    report.measure("transform.run / pyarrow read (CPU seconds)", run_cpu / base_cpu, "x")
    report.measure("transform.run + write / pyarrow read (wall)", full / base, "x")
    peak = max(r["peak_gb"] for r in runs)
    report.measure("transform peak memory (RSS high-water)", peak, "GB", "< 6", peak < 6)
    steps = runs[len(runs) // 2]["steps"]
    print(
        "  where the time goes (one run): " + ", ".join(f"{k} {v:.2f}s" for k, v in steps.items())
    )
    # Issue 11: the events table and the customer objects against reading the reports.
    objects = statistics.median(r["steps"]["events"] + r["steps"]["customers"] for r in runs)
    report.measure("events step + writing customers.jsonl (median wall)", objects, "s")
    report.measure(
        "events + customers.jsonl / pyarrow read (wall)",
        objects / base,
        "x",
        "<= 1.0",
        objects / base <= 1.0,
    )
    from hcportal.transform import customers

    jsonl = out / customers.FILE
    report.measure("customers.jsonl size", jsonl.stat().st_size / 1e6, "MB")
    # What no writer can beat: the file's bytes, already made, merely written. Above the
    # baseline, the 1.0 target is out of reach for this file whatever builds its text.
    floor = min(write_floor(jsonl, out / "floor.tmp") for _ in range(tries(3)))
    report.measure(
        "floor: writing customers.jsonl's bytes alone, from memory (best wall)", floor, "s"
    )
    report.measure("floor / pyarrow read (wall)", floor / base, "x")
    # The same work against hcportal's own reading of the reports (its load steps: read, clean
    # and match), for scale.
    loads = statistics.median(
        sum(v for k, v in r["steps"].items() if k.startswith("load ")) for r in runs
    )
    report.measure("hcportal's own reading of the reports: load steps (median wall)", loads, "s")
    report.measure("events + customers.jsonl / hcportal's load steps (wall)", objects / loads, "x")
    # Validating every object is what the run-time sample avoids: timed on every 100th object
    # and extrapolated to all, against the time writing them all took.
    every = 100
    started = time.perf_counter()
    checked = customers.validate_file(jsonl, every=every)
    validate_all = (time.perf_counter() - started) * every
    report.measure(f"validating all objects (extrapolated from {checked})", validate_all, "s")
    writing = statistics.median(r["steps"]["customers"] for r in runs)
    report.measure("validating all objects / writing them (wall)", validate_all / writing, "x")

    from hcportal.transform.settings import PolicySettings

    books, total = sample_books(raw, SAMPLE)
    started = time.perf_counter()
    looped = loop_policy(books, PolicySettings(), AS_OF)
    loop_s = time.perf_counter() - started
    import pandas as pd

    occ = pd.read_parquet(
        out / "occasions.parquet", columns=["contract_id", "occasion", "k", "status"]
    )
    sampled = {line for book in books.values() for line, *_ in book["contracts"]}
    occ = occ[occ["contract_id"].isin(sampled)]
    mine = {
        (int(r.contract_id), str(r.occasion), int(r.k)): str(r.status) for r in occ.itertuples()
    }
    assert looped == mine, "the per-account loop and the transform disagree on the sample"
    extrapolated = loop_s * total / len(books) + base
    report.measure(
        f"per-account loop on {len(books)} accounts ({len(looped)} occasions)", loop_s, "s"
    )
    report.measure("per-account loop extrapolated to all accounts (+ the read)", extrapolated, "s")
    report.measure("per-account loop / transform.run (wall)", extrapolated / run_wall, "x")


if __name__ == "__main__":
    mode, *args = sys.argv[1:]
    if mode == "read":
        print(json.dumps(child_read(Path(args[0]))))
    elif mode == "transform":
        print(json.dumps(child_transform(Path(args[0]), Path(args[1]))))
    else:
        raise SystemExit(f"unknown mode {mode}")
