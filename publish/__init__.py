"""Publish: deploy a built site to its host, atomically, and only if it looks whole."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

from hcportal.errors import PublishError
from publish.local import publish_local
from publish.settings import PublishSettings

__all__ = ["PublishSettings", "publish"]
log = logging.getLogger(__name__)


def publish(site_dir: Path, settings: PublishSettings, dest: Path, now: datetime) -> Path:
    """Deploy ``site_dir``; return where readers open it (the published ``index.html``)."""
    if not (site_dir / "index.html").is_file():
        raise PublishError(f"{site_dir} is not a built site (no index.html); run build first")
    release_id = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    index = publish_local(site_dir, dest, release_id, settings.keep_releases)
    log.info("published release %s to %s", release_id, dest)
    return index
