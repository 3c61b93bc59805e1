"""Run folders: each harvest lands in its own folder, and ``latest`` points at the last good one.

A run is staged in a hidden folder and only renamed into place, and ``latest`` only re-pointed,
once every report has been downloaded and validated: a failed night leaves the last good run
untouched and still marked as latest.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from harvest.manifest import FILENAME
from hcportal.errors import HarvestError
from hcportal.fsutil import point_symlink

LATEST = "latest"


def run_id_for(now: datetime) -> str:
    return now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


@contextlib.contextmanager
def staged_run(root: Path, run_id: str) -> Iterator[Path]:
    """Yield a staging folder; on success it becomes ``root/<run_id>`` and ``latest`` points to it."""
    root.mkdir(parents=True, exist_ok=True)
    final = root / run_id
    if final.exists():
        raise HarvestError(f"run folder {final} already exists; is another harvest running?")
    staging = root / f".incoming-{run_id}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    staging.rename(final)
    point_symlink(root / LATEST, run_id)


def resolve_run(path: Path) -> Path:
    """A run folder itself, or the ``latest`` run of a raw root folder."""
    if (path / FILENAME).is_file():
        return path
    latest = path / LATEST
    if (latest / FILENAME).is_file():
        return latest.resolve()
    if any(path.glob("*.csv")):
        return path  # a plain folder of report files (no manifest): accepted as is
    raise HarvestError(f"{path} holds no harvest run (no {FILENAME}, no {LATEST}/, no CSV files)")
