"""The files of a built site: their content hashes, content types, and which are entry pages.

Every target compares these hashes with what the host already holds, so a nightly publish moves
only what changed, and uploads the entry pages (HTML) after everything they reference.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

# Explicit types for what a static site ships: the platform's mimetypes database differs between
# machines (Debian's /etc/mime.types says application/javascript, old Pythons text/plain for .mjs).
CONTENT_TYPES = {
    ".html": "text/html",
    ".htm": "text/html",
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".css": "text/css",
    ".json": "application/json",
    ".map": "application/json",
    ".webmanifest": "application/manifest+json",
    ".csv": "text/csv",
    ".txt": "text/plain",
    ".md": "text/markdown",
    ".xml": "application/xml",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".ico": "image/x-icon",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".pdf": "application/pdf",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".zip": "application/zip",
    ".wasm": "application/wasm",
}
# Python's built-in table only (no /etc/mime.types), so the answer is the same on every machine.
_FALLBACK = mimetypes.MimeTypes()
TEXT_TYPES = (
    "text/",
    "application/json",
    "application/xml",
    "image/svg+xml",
    "application/manifest",
)


def content_type(name: str) -> str:
    """The Content-Type a host should send for ``name``; text types say they are UTF-8."""
    suffix = PurePosixPath(name).suffix.lower()
    ctype = CONTENT_TYPES.get(suffix) or _FALLBACK.guess_type(name, strict=False)[0]
    ctype = ctype or "application/octet-stream"
    return f"{ctype}; charset=utf-8" if ctype.startswith(TEXT_TYPES) else ctype


def is_entry_page(rel: str) -> bool:
    """Entry pages are what readers open; everything else is referenced by them."""
    return PurePosixPath(rel).suffix.lower() in (".html", ".htm")


# The site names its data files by their content's hash (render/datafiles.py): data/x.1a2b3c4d.js.
_CONTENT_ADDRESSED = re.compile(r"^data/.+\.[0-9a-f]{8}\.js$")


def is_content_addressed(rel: str) -> bool:
    """A file whose name changes whenever its bytes do: it can be cached for ever."""
    return bool(_CONTENT_ADDRESSED.match(rel))


@dataclass(frozen=True)
class SiteFile:
    rel: str  # POSIX path inside the site, e.g. "data/candidates.js"
    path: Path
    size: int
    sha256: str
    md5: str = ""  # what S3 reports as the ETag of a single-part upload (S3 only)

    @property
    def content_type(self) -> str:
        return content_type(self.rel)

    @property
    def entry(self) -> bool:
        return is_entry_page(self.rel)


def hash_file(path: Path, md5: bool = False) -> tuple[str, str]:
    """The file's sha256, and its MD5 when asked (blank otherwise)."""
    sha = hashlib.sha256()
    m = hashlib.md5(usedforsecurity=False) if md5 else None
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            sha.update(chunk)
            if m is not None:
                m.update(chunk)
    return sha.hexdigest(), m.hexdigest() if m is not None else ""


def scan(site_dir: Path, md5: bool = False) -> list[SiteFile]:
    """Every regular file under ``site_dir``, sorted, with its hashes (symlinks are refused)."""
    files = []
    for root, dirs, names in os.walk(site_dir):
        dirs.sort()
        for name in sorted(names):
            path = Path(root) / name
            if path.is_symlink() or not path.is_file():
                # A symlink could point anywhere on the build machine; a site is plain files.
                raise ValueError(f"{path} is not a regular file")
            sha, md5sum = hash_file(path, md5)
            rel = path.relative_to(site_dir).as_posix()
            files.append(SiteFile(rel, path, path.stat().st_size, sha, md5sum))
    return files


def upload_order(files: list[SiteFile]) -> list[SiteFile]:
    """Referenced files first, entry pages last, the home page very last: a reader who opens a
    new page finds everything it needs already there."""
    return sorted(files, key=lambda f: (f.entry, f.rel == "index.html", f.rel))
