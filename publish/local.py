"""Publish to a local folder: every release in its own folder, ``current`` switched atomically.

Readers (a web server's document root, a file:// bookmark) follow ``<dir>/current``. A release is
assembled completely in a hidden folder, renamed into ``releases/``, and only then is the symlink
re-pointed, in one rename: nobody ever sees half a site, and a publish killed at any point leaves
the old release served and whole. Files whose content did not change are hard links to the
previous release's, so a nightly release costs only what changed.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

from hcportal.core.files import point_symlink
from hcportal.publish.files import SiteFile, hash_file
from hcportal.publish.release import Published

CURRENT = "current"
RELEASES = "releases"
INCOMING = ".incoming-"


def publish_local(files: list[SiteFile], dest: Path, release_id: str, keep: int) -> Published:
    dest = dest.absolute()
    releases = dest / RELEASES
    releases.mkdir(parents=True, exist_ok=True)
    for debris in releases.glob(f"{INCOMING}*"):  # left by a publish that was killed
        shutil.rmtree(debris, ignore_errors=True)
    previous = current_release(dest)
    final = unique_release_dir(releases, release_id)
    staging = releases / f"{INCOMING}{final.name}"
    staging.mkdir()
    result = Published("local", final.name, str(dest / CURRENT / "index.html"), files=len(files))
    for f in files:
        target = staging / f.rel
        target.parent.mkdir(parents=True, exist_ok=True)
        old = previous / f.rel if previous else None
        if old is not None and _same_content(old, f) and _link(old, target):
            result.unchanged += 1
        else:
            _copy(f.path, target)
            result.uploaded += 1
            result.bytes_uploaded += f.size
    staging.rename(final)
    point_symlink(dest / CURRENT, Path(RELEASES) / final.name)
    result.deleted = prune(releases, keep, current=final.name)
    return result


def current_release(dest: Path) -> Path | None:
    """The release folder ``current`` points at, if any."""
    link = dest / CURRENT
    if not link.is_symlink():
        return None
    target = (dest / os.readlink(link)).resolve()
    return target if target.is_dir() else None


def unique_release_dir(releases: Path, release_id: str) -> Path:
    """``releases/<id>``, or ``<id>-2``... when two releases share a second (a quick rollback)."""
    final, n = releases / release_id, 1
    while final.exists():
        n += 1
        final = releases / f"{release_id}-{n}"
    return final


def _same_content(old: Path, f: SiteFile) -> bool:
    return (
        old.is_file()
        and not old.is_symlink()
        and old.stat().st_size == f.size
        and hash_file(old)[0] == f.sha256
    )


def _link(old: Path, target: Path) -> bool:
    """Share the previous release's file; a filesystem without hard links gets a copy instead."""
    try:
        os.link(old, target)
    except OSError:
        return False
    return True


def _copy(src: Path, dst: Path) -> None:
    shutil.copy2(src, dst)


def prune(releases: Path, keep: int, current: str) -> int:
    """Keep the newest ``keep`` releases (ids sort by time); never the one being served."""
    done = sorted(p for p in releases.iterdir() if p.is_dir() and not p.name.startswith("."))
    removed = 0
    for old in done[:-keep]:
        if old.name != current:
            with contextlib.suppress(OSError):
                shutil.rmtree(old)
                removed += 1
    return removed
