"""Transform: correlate the raw reports, by policy, into the tables the site is built from.

:func:`run` is pure apart from reading the raw folder: ``run(raw_dir, settings, as_of) -> Tables``.
It is a list of steps; each takes the tables so far and returns new named tables, so a later stage
(health score, health map, journeys) is one more step, not a rewrite. :func:`write` then puts the
tables in a folder in one atomic move.
"""

from __future__ import annotations

# This folder is mapped to `hcportal.transform` (pyproject's package-dir); it is never a top-level
# `transform`, so that no module can be imported under two names.
if __name__ != "hcportal.transform":
    raise ImportError(f"import hcportal.transform, not {__name__}")

import contextlib
import logging
import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd
from pydantic import BaseModel

from hcportal import __version__
from hcportal.core.clock import Clock
from hcportal.core.errors import TransformError
from hcportal.transform import efficacy, memory, outputs, policy
from hcportal.transform.files import CSV_TABLES, META, PARQUET_TABLES, Tables, read, write
from hcportal.transform.frames import isin, values_at
from hcportal.transform.load import (
    Quality,
    Report,
    clean_accounts,
    clean_activities,
    clean_contracts,
    read_report,
)
from hcportal.transform.settings import TransformSettings

__all__ = ["CSV_TABLES", "META", "PARQUET_TABLES", "Tables", "read", "run", "write"]
log = logging.getLogger(__name__)


@dataclass
class Context:
    """What every step may read besides the tables: the raw folder, settings and the as-of date."""

    raw_dir: Path
    settings: TransformSettings
    as_of: date
    quality: Quality = field(default_factory=Quality)
    seconds: dict[str, float] = field(default_factory=dict)
    cpu_seconds: dict[str, float] = field(default_factory=dict)

    @contextlib.contextmanager
    def timed(self, what: str) -> Iterator[None]:
        """Record how long ``what`` took, on the clock and in CPU time of all threads (meta.json's
        ``seconds`` and ``cpu_seconds``: where the time goes)."""
        started, cpu = time.perf_counter(), _cpu()
        yield
        self.seconds[what] = round(time.perf_counter() - started, 3)
        self.cpu_seconds[what] = round(_cpu() - cpu, 3)


def _cpu() -> float:
    t = os.times()
    return t.user + t.system


Step = Callable[[dict[str, pd.DataFrame], Context], dict[str, pd.DataFrame]]

# Fields read dictionary-encoded (the reader builds the dictionaries in its threads): every column
# that repeats. Only the activities' timestamps, nearly all distinct, are read as plain strings.
DICTIONARY = {
    "accounts": ("account",),
    "contracts": ("account", "product", "start", "end", "amount"),
    "activities": ("owner", "account", "opportunity", "subject", "revenue", "attachment"),
}


def load_step(_: dict[str, pd.DataFrame], ctx: Context) -> dict[str, pd.DataFrame]:
    cols, parsing, dq = ctx.settings.columns, ctx.settings.parsing, ctx.quality

    def read(name: str, columns: BaseModel) -> Report:
        with ctx.timed(f"read {name}"):
            return read_report(
                ctx.raw_dir / f"{name}.csv", columns, parsing, DICTIONARY[name], name == "accounts"
            )

    accounts_report = read("accounts", cols.accounts)
    with ctx.timed("clean accounts"):
        accounts = clean_accounts(accounts_report, dq, parsing)
    contracts_report = read("contracts", cols.contracts)
    with ctx.timed("clean contracts"):
        contracts = clean_contracts(contracts_report, dq, parsing)
    activities_report = read("activities", cols.activities)
    with ctx.timed("clean activities"):
        activities = clean_activities(
            activities_report, dq, parsing, ctx.settings.policy.evidence_subject
        )
    del accounts_report, contracts_report, activities_report  # the raw strings: memory back
    with ctx.timed("match accounts"):
        # Names that still match no account after normalising: listed, and kept (shown with the
        # contract's or activity's own spelling, and no owner).
        known = accounts["account_key"]
        for file, df in (("contracts.csv", contracts), ("activities.csv", activities)):
            stray = ~isin(df["account_key"], known)
            dq.add(file, df["_line"].to_numpy()[stray], "account",
                   values_at(df["account"], stray), "account not in the accounts report")  # fmt: skip
    return {"accounts": accounts, "contracts": contracts, "activities": activities}


def policy_step(t: dict[str, pd.DataFrame], ctx: Context) -> dict[str, pd.DataFrame]:
    occ = policy.apply(t["contracts"], t["activities"], ctx.settings.policy, ctx.as_of)
    enriched = outputs.enrich(occ, t["contracts"], t["accounts"])
    return {
        "occasions": enriched,
        "targets": outputs.targets(enriched),
        "candidates": outputs.candidates(enriched),
    }


def credit_step(t: dict[str, pd.DataFrame], ctx: Context) -> dict[str, pd.DataFrame]:
    """Efficacy per owner and region, and the pipeline each done check influenced."""
    occ, days = t["occasions"], ctx.settings.policy.influence_days
    with ThreadPoolExecutor(1) as pool:  # numpy's sorts and searches release the GIL
        influenced = pool.submit(efficacy.influenced, occ, t["activities"], days, ctx.as_of)
        per_owner = efficacy.efficacy(occ, ctx.as_of)
        pipeline, repeated = influenced.result()
    ctx.quality.add("activities.csv", repeated["line"].to_numpy(), "opportunity",
                    repeated["opportunity"], "duplicate activity row (its opportunity counted once)")  # fmt: skip
    return {"efficacy": per_owner, "influenced_pipeline": pipeline}


STEPS: list[Step] = [load_step, policy_step, credit_step]


def run(raw_dir: Path, settings: TransformSettings, as_of: date, *, clock: Clock) -> Tables:
    """Turn a raw run folder into tables, for the as-of date (``clock``: when, for meta.json)."""
    memory.reuse_big_allocations()
    ctx = Context(raw_dir=raw_dir, settings=settings, as_of=as_of)
    frames: dict[str, pd.DataFrame] = {}
    for step in STEPS:
        with ctx.timed(step.__name__):
            frames.update(step(frames, ctx))
    frames["data_quality"] = ctx.quality.table()
    quality = ctx.quality.summary()
    if settings.strict and quality["rows"]:
        raise TransformError(strict_message(quality))
    meta = {
        "as_of": as_of.isoformat(),
        "generated": clock().isoformat(timespec="seconds"),
        "hcportal_version": __version__,
        "raw": _raw_facts(raw_dir),
        "counts": {
            "accounts": len(frames["accounts"]),
            "contracts": len(frames["contracts"]),
            "activities": len(frames["activities"]),
            "candidates": len(frames["candidates"]),
            "data_quality": len(frames["data_quality"]),
            "targets": _counts(frames["targets"]["status"]),
            "occasions": _counts(frames["occasions"]["status"]),
            "influenced_pipeline": len(frames["influenced_pipeline"]),
        },
        "data_quality": quality,
        "seconds": ctx.seconds,
        "cpu_seconds": ctx.cpu_seconds,
    }
    log.info(
        "transform: %d candidates, %d target occasions, %d data-quality rows (as of %s)",
        len(frames["candidates"]), len(frames["targets"]), len(frames["data_quality"]), as_of,
    )  # fmt: skip
    return Tables(frames=frames, meta=meta)


def _counts(s: pd.Series) -> dict[str, int]:
    counts = s.value_counts()
    return {str(k): int(v) for k, v in counts[counts > 0].items()}


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
        "reports": [
            {"name": r.name, "rows": r.rows, "harvested": r.finished.isoformat(timespec="seconds")}
            for r in m.reports
        ],
    }
