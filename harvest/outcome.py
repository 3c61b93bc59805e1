"""The end of a harvest, whatever the source: the manifest, and a clear failure when one is due.

Every report ends as a :class:`ReportEntry` (a validated file) or a :class:`ReportFailure`. A
failure of a required report fails the run: its manifest (``status = "failed"``) goes beside the
post-mortem in ``failed/<run-id>/``, and the error names each report, the step and the cause.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from hcportal.core.errors import HarvestError
from hcportal.harvest.manifest import Manifest, ReportEntry, ReportFailure
from hcportal.harvest.runs import failed_dir

log = logging.getLogger(__name__)

Outcome = ReportEntry | ReportFailure


def conclude(
    *,
    staging: Path,
    out_root: Path,
    run_id: str,
    source: str,
    crm: str,
    started: datetime,
    finished: datetime,
    outcomes: list[Outcome],
    previous: Manifest | None,
    account_url: str = "",
) -> Manifest:
    """Write the manifest into ``staging``; raise :class:`HarvestError` if a required report failed."""
    entries = [o for o in outcomes if isinstance(o, ReportEntry)]
    failures = [o for o in outcomes if isinstance(o, ReportFailure)]
    fatal = [f for f in failures if f.required]
    manifest = Manifest(
        run_id=run_id,
        source=source,
        crm=crm,
        started=started,
        finished=finished,
        status="failed" if fatal else "ok",
        previous_run=previous.run_id if previous else "",
        account_url=account_url,
        reports=entries,
        failures=failures,
    )
    manifest.write(staging)
    for f in failures:
        if not f.required:
            log.warning("optional report %s left out: %s", f.name, f.error)
    if fatal:
        raise HarvestError(
            failure_message(fatal, len(outcomes), staging, failed_dir(out_root, run_id), previous)
        )
    return manifest


def failure_message(
    failures: list[ReportFailure],
    total: int,
    staging: Path,
    folder: Path,
    previous: Manifest | None,
) -> str:
    """The error: each failed report with its step and cause, and where the post-mortem is
    (``folder``, which is what ``staging`` becomes once the run is over)."""
    kept = (
        f"the last good run {previous.run_id} is still latest"
        if previous
        else "nothing was kept (there is no earlier good run)"
    )
    lines = [f"harvest failed ({len(failures)} of {total} reports); {kept}."]
    for f in failures:
        lines.append(f"  report {f.name!r}, step {f.step!r}: {f.error}")
    if (staging / "postmortem").is_dir():
        lines.append(
            f"Post-mortem in {folder}/: manifest.json, and per failed attempt a trace.zip (if "
            "tracing is on), screenshot.png and page.html (every frame), and the start of a "
            "rejected download."
        )
    else:
        lines.append(f"What failed, per report: {folder / 'manifest.json'}")
    for f in failures:  # the trace of the very attempt each error names
        if f.trace:
            lines.append(
                f"  view a trace ({f.name!r}, the attempt named above): "
                f"playwright show-trace {folder / f.trace}"
            )
    return "\n".join(lines)
