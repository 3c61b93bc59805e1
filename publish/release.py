"""What every target returns: where the release went, and how much of it had to move."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime


def release_id_for(now: datetime) -> str:
    """Release ids sort by time, like harvest run ids."""
    return now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


@dataclass
class Published:
    target: str  # "local", "s3", "git", "rsync"
    release: str
    location: str  # what a reader (or an operator) opens: a path, an s3:// or git address
    files: int = 0  # files in the site
    uploaded: int = 0  # files that had to be copied or sent (changed or new)
    unchanged: int = 0  # files the host already held with the same content
    deleted: int = 0  # removed from the host: files (s3, git) or whole old releases (local, rsync)
    bytes_uploaded: int = 0

    def as_dict(self) -> dict:
        return asdict(self)

    def __str__(self) -> str:
        return self.location
