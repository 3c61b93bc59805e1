"""The benchmarks still run: each at a tiny scale, in a fresh process, as `make bench` runs them.

Their numbers at this scale mean nothing as performance; what is checked is that a change
elsewhere (a file renamed, a signature changed) has not broken a benchmark that only runs at full
scale, and that every figure it reports is a sane number of its kind: finite, not negative, a
whole number where it counts things, a pass/fail that agrees with its own target, and printed as
it was recorded.
"""

from __future__ import annotations

import json
import math
import operator
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Every unit a benchmark may report in, by kind. A new unit must be added here on purpose.
DURATIONS = {"s", "ms"}
COUNTS = {"files", "rows", ""}  # "" is a bare count ("site: files")
AMOUNTS = {"kB", "MB", "GB", "pages/s"}
RATIO = "x"
UNITS = DURATIONS | COUNTS | AMOUNTS | {RATIO}
# A target the benchmark checks itself: "<= 1.3", "< 200 kB", "= 12", "0" (exactly).
TARGET = re.compile(r"^(<=|<|=)?\s*([\d,.]+)(?:\s*\S+)?$")
COMPARE = {"<=": operator.le, "<": operator.lt, "=": operator.eq, None: operator.eq}


def check_figure(row: dict) -> None:
    """One reported figure: a sane number of the kind its unit says."""
    what, value, unit = row["what"], row["value"], row["unit"]
    assert isinstance(what, str) and what.strip(), row
    assert unit in UNITS, f"{what!r}: unknown unit {unit!r}"
    assert isinstance(value, int | float) and not isinstance(value, bool), row
    assert math.isfinite(value) and value >= 0, f"{what!r}: {value!r} is not a sane {unit}"
    if unit in COUNTS:
        assert float(value).is_integer(), f"{what!r}: a count of {value!r}"
    if row["target"]:
        assert isinstance(row["ok"], bool), f"{what!r}: a target without a verdict"
        if match := TARGET.match(row["target"]):  # "<< 1,000" is a judgement, not parsed
            op, bound = COMPARE[match.group(1)], float(match.group(2).replace(",", ""))
            assert row["ok"] is op(value, bound), f"{what!r}: {value} vs {row['target']}"
    else:
        assert row["ok"] is None, f"{what!r}: a verdict without a target"


def test_a_figure_of_the_wrong_kind_is_caught() -> None:
    """The checker itself: each of these must be refused."""
    good = {"what": "a / b", "value": 1.2, "unit": "x", "target": "<= 1.3", "ok": True}
    check_figure(good)
    for bad in (
        {"value": float("nan")},
        {"value": -0.5},
        {"value": "1.2"},
        {"value": True},
        {"unit": "parsecs"},
        {"unit": "files", "value": 2.5},
        {"ok": False},  # 1.2 <= 1.3 is met: a verdict that disagrees with its own target
        {"ok": None},
        {"target": "", "ok": True},
        {"what": " "},
    ):
        with pytest.raises(AssertionError):
            check_figure({**good, **bad})


@pytest.mark.slow
@pytest.mark.parametrize(
    "name", ["handover", "harvest", "journeys", "pack", "publish", "score", "site", "transform"]
)
def test_the_benchmark_runs_at_a_small_scale(name: str, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "HCPORTAL_BENCH_SCALE": "0.001",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    proc = subprocess.run(
        [sys.executable, "-m", "bench", name],
        cwd=tmp_path,  # its caches and results land here, not in the repo's build/bench
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]
    result = json.loads((tmp_path / "build" / "bench" / f"bench_{name}.json").read_text())
    assert result["rows"], f"bench_{name} measured nothing"
    assert isinstance(result["seconds"], float) and result["seconds"] > 0
    for row in result["rows"]:
        check_figure(row)
        # What was printed is what was recorded (the console is what a person reads).
        assert f"  {row['what']:<58} {row['value']:>12,.3f} {row['unit']}" in proc.stdout
    # Benchmarks report ratios measured in one run, not bare times (GUIDE, the machine).
    assert any(row["unit"] == RATIO for row in result["rows"]), f"bench_{name}: no ratio"
