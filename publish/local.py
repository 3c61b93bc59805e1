"""Publish to a local folder: every release in its own folder, ``current`` switched atomically.

Readers (a web server's document root, a file:// bookmark) follow ``<dir>/current``. A release is
copied completely before the symlink is re-pointed in one rename, so nobody ever sees half a site.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from hcportal.fsutil import point_symlink

CURRENT = "current"
RELEASES = "releases"


def publish_local(site_dir: Path, dest: Path, release_id: str, keep: int) -> Path:
    releases = dest / RELEASES
    releases.mkdir(parents=True, exist_ok=True)
    final = releases / release_id
    staging = releases / f".incoming-{release_id}"
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(site_dir, staging)
    if final.exists():
        shutil.rmtree(final)
    staging.rename(final)
    point_symlink(dest / CURRENT, Path(RELEASES) / release_id)
    _prune(releases, keep, current=release_id)
    return dest / CURRENT / "index.html"


def _prune(releases: Path, keep: int, current: str) -> None:
    """Keep the newest ``keep`` releases (ids sort by time); never the one being served."""
    done = sorted(p for p in releases.iterdir() if p.is_dir() and not p.name.startswith("."))
    for old in done[:-keep]:
        if old.name != current:
            shutil.rmtree(old, ignore_errors=True)
