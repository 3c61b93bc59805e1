"""The drop-folder source: report files another automation delivered (seed 000's v2, a Power
Automate flow saving the CRM's scheduled report e-mails to a share).

The files get exactly the checks a download gets, plus one a download cannot need: a file older
than ``max_age_hours`` is yesterday's (or last week's), delivered again by nobody. Files are copied,
never moved or deleted: the drop folder belongs to the other automation.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from hcportal.core.clock import Clock
from hcportal.core.errors import HarvestError
from hcportal.core.text import shown
from hcportal.harvest.manifest import Attempt, Manifest, ReportEntry, ReportFailure, accepted
from hcportal.harvest.outcome import Outcome, conclude
from hcportal.harvest.progress import LogProgress, Progress
from hcportal.harvest.runs import last_good, run_id_for, staged_run
from hcportal.harvest.settings import ReportSpec
from hcportal.harvest.validate import Rejected, accept_export

log = logging.getLogger(__name__)


def harvest_folder(
    folder: Path,
    reports: dict[str, ReportSpec],
    out_root: Path,
    clock: Clock,
    *,
    max_age_hours: float = 36,
    progress: Progress | None = None,
) -> tuple[Path, Manifest]:
    """Validate and copy each report's newest file in ``folder`` into a new run folder."""
    if not folder.is_dir():
        raise HarvestError(f"drop folder {folder} does not exist or is not a folder")
    progress = progress or LogProgress()
    started = clock()
    run_id = run_id_for(started)
    previous = last_good(out_root)
    with staged_run(out_root, run_id) as staging:
        outcomes: list[Outcome] = []
        for name, spec in reports.items():
            outcomes.append(_one(folder, name, spec, staging, clock, max_age_hours, previous))
            last = outcomes[-1]
            if isinstance(last, ReportEntry):
                progress.done(name, True, f"{last.rows:,} rows from {last.source_url}")
            else:
                progress.done(name, False, last.error)
        manifest = conclude(
            staging=staging,
            out_root=out_root,
            run_id=run_id,
            source="folder",
            crm=str(folder.absolute()),
            started=started,
            finished=clock(),
            outcomes=outcomes,
            previous=previous,
        )
    return out_root / run_id, manifest


def _one(
    folder: Path,
    name: str,
    spec: ReportSpec,
    staging: Path,
    clock: Clock,
    max_age_hours: float,
    previous: Manifest | None,
) -> Outcome:
    begun, t0 = clock(), time.monotonic()
    pattern = spec.file or f"{name}*.csv"

    def failed(step: str, error: str) -> ReportFailure:
        attempt = Attempt(
            route="folder",
            number=1,
            started=begun,
            seconds=round(time.monotonic() - t0, 3),
            ok=False,
            step=step,
            error=error,
        )
        return ReportFailure(
            name=name, required=spec.required, step=step, error=error, attempts=[attempt]
        )

    found = sorted(
        (p for p in folder.glob(pattern) if p.is_file()), key=lambda p: p.stat().st_mtime
    )
    if not found:
        return failed("find the file", f"no file matching {pattern!r} in {folder}")
    src = found[-1]
    if not src.resolve().is_relative_to(folder.resolve()):
        # A link out of the drop folder would copy (and quote) any file on the machine.
        return failed(
            "find the file",
            f"{shown(src.name)} is a symbolic link to a file outside the drop folder {folder}; "
            "report files must be inside it",
        )
    age_hours = (begun.timestamp() - src.stat().st_mtime) / 3600
    if age_hours > max_age_hours:
        return failed(
            "check the file age",
            f"{shown(src.name)} is {age_hours:.0f} hours old, more than max_file_age_hours="
            f"{max_age_hours:g}: the other automation has not delivered a new one",
        )
    prev = previous.report(name) if previous else None
    dest = staging / f"{name}.csv"
    try:
        facts = accept_export(
            src,
            dest,
            name,
            spec,
            previous_rows=prev.rows if prev else None,
            previous_run=previous.run_id if previous else "",
        )
    except Rejected as e:
        return failed(
            "validate", f"{shown(src.name)}: " + str(e).removeprefix(f"report {name!r}: ")
        )
    log.info("report %s: %s, %d rows", name, src, facts.rows)
    attempt = Attempt(
        route="folder", number=1, started=begun, seconds=round(time.monotonic() - t0, 3), ok=True
    )
    return accepted(
        name, src.absolute().as_uri(), facts, dest, "folder", begun, clock(), t0, [attempt]
    )
