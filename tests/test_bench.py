"""The benchmarks still run: each at a tiny scale, in a fresh process, as `make bench` runs them.

Their numbers at this scale mean nothing; what is checked is that a change elsewhere (a file
renamed, a signature changed) has not broken a benchmark that only runs at full scale.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
@pytest.mark.parametrize("name", ["handover", "harvest", "publish", "site", "transform"])
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
