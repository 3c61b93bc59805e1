"""Checks a downloaded export before it is trusted.

A nightly job that silently keeps a sign-in page, a truncated file or an error page saved as CSV
is worse than one that fails: every download passes through :func:`check_export` first.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from harvest.settings import ReportSpec
from hcportal.errors import HarvestError


@dataclass(frozen=True)
class ExportFacts:
    rows: int
    columns: list[str]


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252: what CRM exports come in."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def check_export(path: Path, name: str, spec: ReportSpec) -> ExportFacts:
    """Return the export's row count and columns, or raise naming the report and the cause."""
    text = decode(path.read_bytes())
    head = text.lstrip()[:200].lower()
    if head.startswith(("<!doctype", "<html", "<")):
        what = "a sign-in page" if "password" in text.lower() else "an HTML page"
        raise HarvestError(f"report {name!r}: the download is {what}, not a CSV export")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise HarvestError(f"report {name!r}: the download is empty") from None
    except csv.Error as e:
        raise HarvestError(f"report {name!r}: the download is not a CSV file ({e})") from None
    columns = [c.strip() for c in header]
    missing = [c for c in spec.required_columns if c not in columns]
    if missing:
        raise HarvestError(
            f"report {name!r}: the export lacks required column(s) {', '.join(missing)} "
            f"(it has: {', '.join(columns) or 'none'})"
        )
    rows = 0
    try:
        for row in reader:
            if not row:  # the blank line before the report footer ends the table
                break
            rows += 1
    except csv.Error as e:
        raise HarvestError(f"report {name!r}: the CSV is malformed after row {rows}: {e}") from None
    if rows < spec.min_rows:
        raise HarvestError(
            f"report {name!r}: the export has {rows} data rows, fewer than min_rows={spec.min_rows}"
        )
    return ExportFacts(rows=rows, columns=columns)
