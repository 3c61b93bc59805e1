"""Which data a built site shows: a stamp the build leaves in the site, read back at publish time.

``built-from.json`` names the transform output the site was rendered from: its harvest run, its
as-of date, when it was generated, and a digest of its ``meta.json`` (which holds every count and
timing of that transform, so two outputs practically never share one). A hand publish compares the
digest with the data folder, and with the data kept in the history, to record what it published;
a site whose data cannot be found is *unknown*, which the gate refuses unless forced.

The stamp holds nothing the home page does not already show.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

STAMP = "built-from.json"


def digest(meta: dict) -> str:
    """The digest of a transform output's ``meta.json`` content (key order and spacing aside)."""
    text = json.dumps(meta, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def stamp(meta: dict, version: str) -> dict:
    raw = meta.get("raw") or {}
    return {
        "hcportal_version": version,
        "data": {
            "run_id": raw.get("run_id"),
            "as_of": meta.get("as_of"),
            "generated": meta.get("generated"),
            "meta_sha256": digest(meta),
        },
    }


def read_stamp(site_dir: Path) -> dict | None:
    """The data a site says it was built from (``{"run_id", "as_of", "generated",
    "meta_sha256"}``), or None when it says nothing readable."""
    try:
        data = json.loads((site_dir / STAMP).read_text("utf-8"))["data"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("meta_sha256"), str) else None


def data_digest(data_dir: Path) -> str | None:
    """The digest of the ``meta.json`` in a transform output folder, or None without one."""
    try:
        return digest(json.loads((data_dir / "meta.json").read_text("utf-8")))
    except (OSError, ValueError):
        return None
