"""Run folders: each harvest lands in its own folder, and ``latest`` points at the last good one.

A run is staged in a hidden folder and only renamed into place, and ``latest`` only re-pointed,
once every report has been downloaded and validated: a failed night leaves the last good run
untouched and still marked as latest. What a failed run leaves for a post-mortem (its manifest,
traces, screenshots, page HTML; never the rejected data) moves to ``failed/<run-id>/``.
"""

from __future__ import annotations

import contextlib
import json
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from hcportal.core.errors import HarvestError
from hcportal.core.files import point_symlink
from hcportal.harvest.manifest import FILENAME, Manifest, read_manifest

LATEST = "latest"
POSTMORTEM = "postmortem"
FAILED = "failed"


def run_id_for(now: datetime) -> str:
    return now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def failed_dir(root: Path, run_id: str) -> Path:
    """Where a failed run's post-mortem goes: apart, so nothing mistakes it for a run."""
    return root / FAILED / run_id


@contextlib.contextmanager
def staged_run(root: Path, run_id: str) -> Iterator[Path]:
    """Yield a staging folder; on success it becomes ``root/<run_id>`` and ``latest`` points to it.

    On failure, a post-mortem left in the staging folder (``postmortem/``, ``manifest.json``) is
    kept as ``root/failed/<run_id>``; everything else in it (downloads) is deleted.
    """
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
        _keep_postmortem(staging, failed_dir(root, run_id))
        raise
    shutil.rmtree(staging / POSTMORTEM, ignore_errors=True)  # recovered attempts: not needed
    staging.rename(final)
    point_symlink(root / LATEST, run_id)


def _keep_postmortem(staging: Path, failed: Path) -> None:
    keep = {POSTMORTEM, FILENAME}
    if not any((staging / k).exists() for k in keep):
        shutil.rmtree(staging, ignore_errors=True)
        return
    for child in staging.iterdir():
        if child.name not in keep:
            if child.is_dir():
                shutil.rmtree(child, ignore_errors=True)
            else:
                child.unlink(missing_ok=True)
    shutil.rmtree(failed, ignore_errors=True)
    failed.parent.mkdir(exist_ok=True)
    staging.rename(failed)


def resolve_run(path: Path) -> Path:
    """A run folder itself, or the ``latest`` run of a raw root folder."""
    if (path / FILENAME).is_file():
        if _failed(path):
            raise HarvestError(f"{path} is a failed harvest run; it holds no data to use")
        return path
    latest = path / LATEST
    if (latest / FILENAME).is_file():
        return latest.resolve()
    if any(path.glob("*.csv")):
        return path  # a plain folder of report files (no manifest): accepted as is
    raise HarvestError(f"{path} holds no harvest run (no {FILENAME}, no {LATEST}/, no CSV files)")


def last_good(root: Path) -> Manifest | None:
    """The manifest of the run ``latest`` points at, if there is one (to compare row counts)."""
    latest = root / LATEST
    if not (latest / FILENAME).is_file():
        return None
    try:
        return read_manifest(latest)
    except HarvestError:
        return None  # an unreadable old manifest must not stop tonight's harvest


def _failed(path: Path) -> bool:
    try:
        manifest = json.loads((path / FILENAME).read_text("utf-8"))
    except (OSError, ValueError):
        return False
    # Anything but an object (a stray list in a folder filled by hand) is not a failed run's;
    # reading it as a manifest later says what is wrong with it.
    return isinstance(manifest, dict) and manifest.get("status") == "failed"
