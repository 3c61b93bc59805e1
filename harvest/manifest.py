"""The manifest of a harvest run: what was downloaded, from where, how, when, and what it held.

It sits beside the files (``manifest.json``) so that every later stage, and every person reading a
run folder months later, can tell exactly what the data is. A failed run writes one too, in its
``failed/<run-id>/`` folder, with ``status = "failed"`` and what went wrong per report.
"""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ValidationError

from hcportal import __version__
from hcportal.core.errors import HarvestError
from hcportal.core.files import atomic_write_text, sha256_file

if TYPE_CHECKING:
    from hcportal.harvest.validate import ExportFacts

FILENAME = "manifest.json"


class Attempt(BaseModel):
    """One try at one report over one route."""

    route: str  # "ui" | "url" | "folder"
    number: int  # 1, 2, ... within the route
    started: datetime
    seconds: float
    ok: bool
    step: str = ""  # where it failed
    error: str = ""


class ReportEntry(BaseModel):
    name: str
    file: str
    rows: int
    columns: list[str]
    sha256: str  # of the stored file
    bytes: int
    source_url: str
    route: str  # the route that delivered the file
    started: datetime
    finished: datetime
    seconds: float = 0.0
    encoding: str = "utf-8"  # of the download; the stored file is always UTF-8
    footer_lines: int = 0  # report footer lines stripped from the download
    # Lines of the download in another encoding than ``encoding``, each decoded in its own.
    other_encoding_lines: list[int] = []
    attempts: list[Attempt] = []


class ReportFailure(BaseModel):
    name: str
    required: bool
    step: str
    error: str
    attempts: list[Attempt] = []
    postmortem: str = ""  # folder with a post-mortem (trace, screenshot, HTML) per failed attempt
    trace: str = ""  # the trace of the attempt the error names (its last): the one to open first


class Manifest(BaseModel):
    run_id: str
    source: str
    crm: str
    started: datetime
    finished: datetime
    hcportal_version: str = __version__
    status: Literal["ok", "failed"] = "ok"
    previous_run: str = ""  # the last good run this one was compared with
    account_url: str = ""  # an account's record in the CRM, "{account}" for its name (profile)
    reports: list[ReportEntry]
    failures: list[ReportFailure] = []  # failed reports (optional ones do not fail the run)

    def report(self, name: str) -> ReportEntry | None:
        return next((r for r in self.reports if r.name == name), None)

    def write(self, folder: Path) -> Path:
        path = folder / FILENAME
        atomic_write_text(path, self.model_dump_json(indent=2) + "\n")
        return path


def accepted(
    name: str,
    source_url: str,
    facts: ExportFacts,
    path: Path,
    route: str,
    started: datetime,
    finished: datetime,
    t0: float,
    attempts: list[Attempt],
) -> ReportEntry:
    """The entry of a report whose download passed validation and now lies at ``path``
    (``t0``: ``time.monotonic()`` when its work began)."""
    return ReportEntry(
        name=name,
        file=path.name,
        rows=facts.rows,
        columns=facts.columns,
        sha256=sha256_file(path),
        bytes=path.stat().st_size,
        source_url=source_url,
        route=route,
        started=started,
        finished=finished,
        seconds=round(time.monotonic() - t0, 3),
        encoding=facts.encoding,
        footer_lines=facts.footer_lines,
        other_encoding_lines=list(facts.other_encoding_lines),
        attempts=attempts,
    )


def read_manifest(folder: Path) -> Manifest:
    path = folder / FILENAME
    try:
        return Manifest.model_validate_json(path.read_text("utf-8"))
    except FileNotFoundError:
        raise HarvestError(f"{folder} is not a harvest run folder (no {FILENAME})") from None
    except ValidationError as e:
        raise HarvestError(f"{path} is not a valid manifest: {e.errors()[0]['msg']}") from None
