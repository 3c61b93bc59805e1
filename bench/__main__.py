"""Run the benchmarks: ``python -m bench [name ...]`` (default: all), then print one summary.

Results are also written to ``build/bench/<name>.json`` so a run can be compared with the last.
"""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import sys
import time
import traceback
from pathlib import Path

import bench

OUT = Path("build/bench")


class Report:
    """What a benchmark hands back: named measurements, and ratios checked against targets."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.rows: list[dict] = []

    def measure(
        self, what: str, value: float, unit: str, target: str = "", ok: bool | None = None
    ) -> None:
        self.rows.append({"what": what, "value": value, "unit": unit, "target": target, "ok": ok})
        mark = "" if ok is None else ("  ok" if ok else "  MISSED")
        goal = f"  (target {target})" if target else ""
        print(f"  {what:<58} {value:>12,.3f} {unit}{goal}{mark}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    args = parser.parse_args(argv)
    found = sorted(
        m.name for m in pkgutil.iter_modules(bench.__path__) if m.name.startswith("bench_")
    )
    chosen = [n for n in found if not args.names or n.removeprefix("bench_") in args.names]
    if not chosen:
        print(f"no benchmarks match {args.names} (have: {', '.join(found) or 'none'})")
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    missed, failed = 0, []
    for name in chosen:
        print(f"== {name}", flush=True)
        report = Report(name)
        started = time.perf_counter()
        try:
            importlib.import_module(f"bench.{name}").main(report)
        except Exception:  # one broken benchmark must not cost the others' numbers
            traceback.print_exc()
            failed.append(name)
            continue
        took = time.perf_counter() - started
        (OUT / f"{name}.json").write_text(
            json.dumps({"rows": report.rows, "seconds": took}, indent=2)
        )
        missed += sum(r["ok"] is False for r in report.rows)
    print(f"\n{len(chosen)} benchmark(s); {missed} target(s) missed; results in {OUT}/")
    if failed:
        print(f"FAILED: {', '.join(failed)} (traceback above)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
