"""The manifest of a harvest run: what was downloaded, from where, when, and what it held.

It sits beside the files (``manifest.json``) so that every later stage, and every person reading a
run folder months later, can tell exactly what the data is.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from pydantic import BaseModel, ValidationError

from hcportal import __version__
from hcportal.errors import HarvestError
from hcportal.fsutil import atomic_write_text

FILENAME = "manifest.json"


class ReportEntry(BaseModel):
    name: str
    file: str
    rows: int
    columns: list[str]
    sha256: str
    bytes: int
    source_url: str
    route: str
    started: datetime
    finished: datetime


class Manifest(BaseModel):
    run_id: str
    source: str
    crm: str
    started: datetime
    finished: datetime
    hcportal_version: str = __version__
    reports: list[ReportEntry]

    def report(self, name: str) -> ReportEntry | None:
        return next((r for r in self.reports if r.name == name), None)

    def write(self, folder: Path) -> Path:
        path = folder / FILENAME
        atomic_write_text(path, self.model_dump_json(indent=2) + "\n")
        return path


def read_manifest(folder: Path) -> Manifest:
    path = folder / FILENAME
    try:
        return Manifest.model_validate_json(path.read_text("utf-8"))
    except FileNotFoundError:
        raise HarvestError(f"{folder} is not a harvest run folder (no {FILENAME})") from None
    except ValidationError as e:
        raise HarvestError(f"{path} is not a valid manifest: {e.errors()[0]['msg']}") from None
