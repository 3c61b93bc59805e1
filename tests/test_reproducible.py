"""A run is a function of its inputs and its clock: the same instant twice gives the same bytes.

The whole pipeline runs twice through the command line (`HCPORTAL_NOW` fixes the clock that the CLI
hands to the demo CRM, the harvester, the transform and the publish), each time in a fresh folder,
against the demo CRM's synthetic data for that day. The exports, the tables and the published site
must be equal to the byte. Only measured durations (a stopwatch, not the clock) may differ, and they
are kept apart: the harvest's manifest and the transform's timings.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.publishing import read_tree

pytestmark = pytest.mark.slow

# Files that hold measured durations (seconds taken), not readings of the clock.
STOPWATCH = {"manifest.json", "timings.json"}


def run_at(work: Path, instant: str) -> Path:
    work.mkdir()
    (work / "hcportal.toml").write_text('[paths]\nbuild = "build"\n[harvest.demo]\naccounts = 40\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith("HCPORTAL_")}
    proc = subprocess.run(
        [sys.executable, "-m", "hcportal", "run", "--config", str(work / "hcportal.toml")],
        cwd=work,
        env={**env, "HCPORTAL_NOW": instant},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    return work / "build"


def outputs(build: Path) -> dict[str, bytes]:
    raw = build / "raw" / "latest"
    files = {f"raw/{k}": v for k, v in read_tree(raw.resolve()).items()}
    files |= {f"data/{k}": v for k, v in read_tree(build / "data").items()}
    files |= {f"site/{k}": v for k, v in read_tree(build / "public" / "current").items()}
    return {k: v for k, v in files.items() if Path(k).name not in STOPWATCH}


def test_a_run_at_a_fixed_instant_is_byte_identical_twice(tmp_path):
    first = outputs(run_at(tmp_path / "a", "2026-11-23T06:00:00+00:00"))
    second = outputs(run_at(tmp_path / "b", "2026-11-23T06:00:00+00:00"))
    assert first.keys() == second.keys()
    assert [k for k in first if first[k] != second[k]] == []
    assert any(k.startswith("raw/") and k.endswith(".csv") for k in first)
    # The instant is used, not the machine's time: the run is dated by it.
    assert (tmp_path / "a" / "build" / "raw" / "20261123T060000Z").is_dir()
