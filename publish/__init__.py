"""Publish: deploy a built site to its host, atomically, moving only what changed.

:func:`publish` is the stage's entry point: any folder holding an ``index.html`` is a site, be it
the whole portal or a tree with a manager root and one folder per region. The gate that decides
*whether* to publish is :mod:`publish.gate` (with :mod:`publish.sitecheck`); the runs kept for
comparisons and rollback are :mod:`publish.history`. (A site split into one folder per region and
owner, for access control on the host, is built by render: :mod:`hcportal.render.split`.) Targets:

- ``local``: ``<dir>/releases/<id>/`` and a ``current`` symlink switched in one rename;
- ``s3``: changed objects only, entry pages last (:mod:`publish.s3`);
- ``git``: one commit per release on a branch, e.g. GitHub Pages (:mod:`publish.git`);
- ``rsync``: the local layout on another machine, over ssh (:mod:`publish.rsync`).
"""

from __future__ import annotations

# This folder is mapped to `hcportal.publish` (pyproject's package-dir); it is never a top-level
# `publish`, so that no module can be imported under two names.
if __name__ != "hcportal.publish":
    raise ImportError(f"import hcportal.publish, not {__name__}")

import logging
from datetime import datetime
from pathlib import Path

from hcportal.core.errors import PublishError
from hcportal.publish.files import scan
from hcportal.publish.release import Published, release_id_for
from hcportal.publish.settings import PublishSettings

__all__ = ["PublishSettings", "Published", "publish"]
log = logging.getLogger(__name__)


def publish(
    site_dir: Path,
    settings: PublishSettings,
    dest: Path,
    now: datetime,
    *,
    cache_dir: Path | None = None,
    release_id: str | None = None,
) -> Published:
    """Deploy ``site_dir`` to the configured target; ``dest`` is the local target's folder and
    ``cache_dir`` where the git target keeps its bare cache repository."""
    if not (site_dir / "index.html").is_file():
        raise PublishError(f"{site_dir} is not a built site (no index.html); run build first")
    release = release_id or release_id_for(now)
    try:
        files = scan(site_dir, md5=settings.target == "s3")
    except ValueError as e:
        raise PublishError(f"cannot publish {site_dir}: {e}") from None
    if settings.target == "s3":
        from hcportal.publish.s3 import publish_s3

        result = publish_s3(files, settings.s3, release, now)
    elif settings.target == "git":
        from hcportal.publish.git import publish_git

        cache = cache_dir or dest.parent / ".publish-cache"
        result = publish_git(site_dir, settings.git, cache, release, now)
    elif settings.target == "rsync":
        from hcportal.publish.rsync import publish_rsync

        result = publish_rsync(
            site_dir, len(files), settings.rsync, release, settings.keep_releases
        )
    else:
        from hcportal.publish.local import publish_local

        result = publish_local(files, dest, release, settings.keep_releases)
    log.info(
        "published release %s to %s (%s): %d changed, %d unchanged",
        result.release, result.location, result.target, result.uploaded, result.unchanged,
    )  # fmt: skip
    return result
