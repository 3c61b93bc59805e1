"""Transform: correlate the raw reports, by policy, into the tables the site is built from.

:func:`run` is pure apart from reading the raw folder: ``run(raw_dir, settings, as_of) -> Tables``.
It runs steps (``transform/steps.py``), each declaring the tables it needs and makes, in the order
those declarations give; every table is declared once in the catalogue (``transform/catalogue.py``)
and every step's output is checked against it. A later stage (health score, health map, journeys)
is one more step and its tables, not a rewrite. :func:`write` then puts the tables in a folder in
one atomic move; :func:`read` gives them back, typed.
"""

from __future__ import annotations

# This folder is mapped to `hcportal.transform` (pyproject's package-dir); it is never a top-level
# `transform`, so that no module can be imported under two names.
if __name__ != "hcportal.transform":
    raise ImportError(f"import hcportal.transform, not {__name__}")

import contextlib
import logging
from datetime import date
from pathlib import Path

from hcportal import __version__
from hcportal.core import tables as formats
from hcportal.core.clock import Clock
from hcportal.core.errors import TransformError
from hcportal.core.tables import META, TIMINGS, Tables
from hcportal.transform import customers, memory
from hcportal.transform.catalogue import PLAN, STEPS, TABLES
from hcportal.transform.healthmap_rules import browser_rules
from hcportal.transform.reports import REPORTS
from hcportal.transform.settings import TransformSettings
from hcportal.transform.steps import Context, PreviousRun, stopwatch
from hcportal.transform.verdicts import DONE_BY, RULES

__all__ = [
    "DONE_BY",
    "META",
    "RULES",
    "STEPS",
    "TABLES",
    "TIMINGS",
    "PreviousRun",
    "Tables",
    "read",
    "run",
    "write",
]  # fmt: skip
log = logging.getLogger(__name__)


def run(
    raw_dir: Path,
    settings: TransformSettings,
    as_of: date,
    *,
    clock: Clock,
    previous: PreviousRun | None = None,
) -> Tables:
    """Turn a raw run folder into tables, for the as-of date (``clock``: when, for meta.json).

    ``previous``: the last run's tables and settings, when kept (the health score's change)."""
    memory.reuse_big_allocations()
    ctx = Context(raw_dir=raw_dir, settings=settings, as_of=as_of, previous=previous)
    frames = PLAN.run(ctx)
    frames["data_quality"] = ctx.quality.table()
    formats.check(TABLES["data_quality"], frames["data_quality"], "run")
    quality = ctx.quality.summary()
    if settings.strict and quality["rows"]:
        raise TransformError(strict_message(quality))
    raw = _raw_facts(raw_dir)
    meta = {
        "as_of": as_of.isoformat(),
        "generated": clock().isoformat(timespec="seconds"),
        "hcportal_version": __version__,
        "raw": raw,
        "reports": report_facts(ctx.reports, raw),
        "counts": formats.counts(TABLES, frames),
        "data_quality": quality,
        "skipped": ctx.skipped,
        # The health map's rules as the site recomputes them (the same settings, as data).
        "health_map": browser_rules(settings.health_map),
    }
    log.info(
        "transform: %d candidates, %d target occasions, %d data-quality rows (as of %s)",
        len(frames["candidates"]), len(frames["targets"]), len(frames["data_quality"]), as_of,
    )  # fmt: skip
    timings = {"seconds": ctx.seconds, "cpu_seconds": ctx.cpu_seconds}
    return Tables(frames=frames, meta=meta, timings=timings)


def write(tables: Tables, out_dir: Path) -> Path:
    """Write every table into ``out_dir`` (typed Parquet, the CSV exports, ``meta.json``) and one
    customer object per account (``customers.jsonl``), replacing its previous content only on
    success."""

    def objects(folder: Path) -> None:
        watch: contextlib.AbstractContextManager[None] = contextlib.nullcontext()
        if timings := tables.timings:  # none for tables read back from a data folder
            seconds, cpu = timings.setdefault("seconds", {}), timings.setdefault("cpu_seconds", {})
            watch = stopwatch(seconds, cpu, "customers")
        with watch:
            n = customers.write(tables, folder / customers.FILE)
        log.info("transform: %d customer objects in %s", n, customers.FILE)

    memory.release_free_memory()
    return formats.write_folder(TABLES, tables, out_dir, extra=objects)


def read(data_dir: Path) -> Tables:
    """The tables of a folder :func:`write` wrote, typed as the catalogue declares them."""
    return formats.read_folder(TABLES, data_dir)


def report_facts(found: dict[str, dict], raw: dict) -> dict[str, dict]:
    """``meta.json``'s ``reports``: per input report of the registry, whether it was in the raw
    folder and used (else why not), its rows read and accepted, the fields its export lacks, and
    when it was harvested (if a manifest says)."""
    harvested = {r["name"]: r["harvested"] for r in raw.get("reports", []) if "harvested" in r}
    out = {}
    for name, report in REPORTS.items():
        facts = {"required": report.required, "present": False, **found.get(name, {})}
        if name in harvested:
            facts["harvested"] = harvested[name]
        out[name] = facts
    return out


def strict_message(quality: dict) -> str:
    """Why a ``--strict`` transform failed: the counts per file and reason."""
    lines = [
        f"{quality['rows']} input value(s) could not be used as they are (strict mode); "
        "nothing was written:"
    ]
    lines += [
        f"  {r['file']}: {r['rows']} x {r['reason']} ({r['column'] or 'row'})"
        for r in quality["by_reason"]
    ]
    lines.append("Run without --strict to get every one, with its line, in data_quality.csv.")
    return "\n".join(lines)


def _raw_facts(raw_dir: Path) -> dict:
    """Where the data came from, for the site's freshness panel: the harvest manifest if any."""
    if not (raw_dir / "manifest.json").is_file():  # a plain folder of exports
        return {"run_id": raw_dir.name, "reports": []}
    from hcportal.harvest.manifest import (
        read_manifest,
    )  # imports the harvester (Playwright): only if needed

    m = read_manifest(raw_dir)
    return {
        "run_id": m.run_id,
        "source": m.source,
        "finished": m.finished.isoformat(timespec="seconds"),
        "account_url": m.account_url,
        "reports": [
            {"name": r.name, "rows": r.rows, "harvested": r.finished.isoformat(timespec="seconds")}
            for r in m.reports
        ],
    }
