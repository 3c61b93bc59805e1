"""How the site is cut into files: page names for owners and regions, X-Ray files for accounts.

A seller's page loads only its owner's shard and a region's page only its region's, so a link
transfers what its reader needs. Both functions must stay stable from night to night (a seller
bookmarks their page) and the bucket function has a twin in ``static/js/hcp.js``.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

# Shown, and filterable, where a report left the owner or region blank.
UNASSIGNED = "(unassigned)"


def ascii_dashes(text: str) -> str:
    """``Ana Müller & Co.`` -> ``ana-muller-co``: lower-case ASCII letters and digits, dashes."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def slug(name: str) -> str:
    """A file name for an owner or region: readable, ASCII, and unique per name.

    ``Ana Müller`` -> ``ana-muller-1f3a9c``. The hash suffix keeps ``Ana Muller`` apart and makes
    hostile names (``../``, ``<script>``) harmless; it depends on the name alone, so a seller's
    link never changes while their name does not.
    """
    base = ascii_dashes(name)[:40].strip("-")
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:6]
    return f"{base or 'x'}-{digest}"


def bucket(key: str, buckets: int) -> int:
    """The X-Ray file an account's data lives in: FNV-1a (32-bit) of its key's UTF-8, mod ``buckets``.

    The X-Ray page computes the same from the account key in its URL (``HCP.bucket`` in hcp.js).
    """
    h = 0x811C9DC5
    for byte in key.encode("utf-8"):
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h % buckets


def bucket_count(accounts: int, per_bucket: int) -> int:
    return max(1, -(-accounts // max(1, per_bucket)))
