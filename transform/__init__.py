"""Transform: correlate the raw reports, by policy, into the tables the site is built from.

:func:`run` is pure apart from reading the raw folder: ``run(raw_dir, settings, as_of) -> Tables``.
It is a list of steps; each takes the tables so far and returns new named tables, so a later stage
(health score, health map, journeys) is one more step, not a rewrite. :func:`write` then puts the
tables in a folder in one atomic move.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd

from hcportal import __version__
from hcportal.errors import TransformError
from hcportal.fsutil import staged_dir
from transform import outputs, policy
from transform.load import Quality, clean_accounts, clean_activities, clean_contracts, read_report
from transform.settings import TransformSettings

log = logging.getLogger(__name__)

# Published as CSV: the contract other tools read (GUIDE section 4). The rest is typed Parquet.
CSV_TABLES = ("targets", "candidates", "data_quality")
PARQUET_TABLES = ("accounts", "contracts", "activities", "occasions")
META = "meta.json"


@dataclass
class Context:
    """What every step may read besides the tables: the raw folder, settings and the as-of date."""

    raw_dir: Path
    settings: TransformSettings
    as_of: date
    quality: Quality = field(default_factory=Quality)


@dataclass
class Tables:
    frames: dict[str, pd.DataFrame]
    meta: dict

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.frames[name]


Step = Callable[[dict[str, pd.DataFrame], Context], dict[str, pd.DataFrame]]


def load_step(_: dict[str, pd.DataFrame], ctx: Context) -> dict[str, pd.DataFrame]:
    cols, parsing = ctx.settings.columns, ctx.settings.parsing
    accounts = read_report(ctx.raw_dir / "accounts.csv", cols.accounts)
    contracts = read_report(ctx.raw_dir / "contracts.csv", cols.contracts)
    activities = read_report(ctx.raw_dir / "activities.csv", cols.activities)
    assert accounts is not None and contracts is not None and activities is not None
    dq = ctx.quality
    accounts = clean_accounts(accounts, dq)
    contracts = clean_contracts(contracts, dq, parsing)
    activities = clean_activities(activities, dq, parsing, ctx.settings.policy.evidence_subject)
    known = set(accounts["account_key"])
    for name, df in (("contracts.csv", contracts), ("activities.csv", activities)):
        stray = df[~df["account_key"].isin(known)]
        dq.add(name, stray, "account", stray["account"], "account not in the accounts report")
    return {"accounts": accounts, "contracts": contracts, "activities": activities}


def policy_step(t: dict[str, pd.DataFrame], ctx: Context) -> dict[str, pd.DataFrame]:
    occ = policy.apply(t["contracts"], t["activities"], ctx.settings.policy, ctx.as_of)
    enriched = outputs.enrich(occ, t["contracts"], t["accounts"])
    return {
        "occasions": enriched,
        "targets": outputs.targets(enriched),
        "candidates": outputs.candidates(enriched),
    }


STEPS: list[Step] = [load_step, policy_step]


def run(raw_dir: Path, settings: TransformSettings, as_of: date) -> Tables:
    """Turn a raw run folder into tables, for the as-of date."""
    ctx = Context(raw_dir=raw_dir, settings=settings, as_of=as_of)
    frames: dict[str, pd.DataFrame] = {}
    for step in STEPS:
        frames.update(step(frames, ctx))
    frames["data_quality"] = ctx.quality.table()
    meta = {
        "as_of": as_of.isoformat(),
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "hcportal_version": __version__,
        "raw": _raw_facts(raw_dir),
        "counts": {
            "accounts": len(frames["accounts"]),
            "contracts": len(frames["contracts"]),
            "activities": len(frames["activities"]),
            "candidates": len(frames["candidates"]),
            "data_quality": len(frames["data_quality"]),
            "targets": frames["targets"]["status"].value_counts().to_dict(),
        },
    }
    log.info(
        "transform: %d candidates, %d target occasions, %d data-quality rows (as of %s)",
        len(frames["candidates"]), len(frames["targets"]), len(frames["data_quality"]), as_of,
    )  # fmt: skip
    return Tables(frames=frames, meta=meta)


def _raw_facts(raw_dir: Path) -> dict:
    """Where the data came from, for the site's freshness panel: the harvest manifest if any."""
    from harvest.manifest import FILENAME, read_manifest

    if not (raw_dir / FILENAME).is_file():
        return {"run_id": raw_dir.name, "reports": []}
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


# -- files ----------------------------------------------------------------------------------------


def for_csv(df: pd.DataFrame) -> pd.DataFrame:
    """ISO dates, ``true``/``false`` booleans, plain numbers: the published CSV conventions."""
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_datetime64_any_dtype(s):
            out[col] = s.dt.strftime("%Y-%m-%d").fillna("")
        elif pd.api.types.is_bool_dtype(s):
            out[col] = s.map({True: "true", False: "false"})
        elif pd.api.types.is_float_dtype(s):
            out[col] = s.round(2)
    return out


def write(tables: Tables, out_dir: Path) -> Path:
    """Write every table into ``out_dir``, replacing its previous content only on success."""
    with staged_dir(out_dir) as tmp:
        for name in CSV_TABLES:
            for_csv(tables.frames[name]).to_csv(tmp / f"{name}.csv", index=False)
        for name in PARQUET_TABLES:
            tables.frames[name].to_parquet(tmp / f"{name}.parquet", index=False)
        (tmp / META).write_text(json.dumps(tables.meta, indent=2) + "\n", "utf-8")
    return out_dir


def read(data_dir: Path) -> Tables:
    """Read a folder written by :func:`write`."""
    if not (data_dir / META).is_file():
        raise TransformError(
            f"{data_dir} holds no transform output (no {META}); run transform first"
        )
    frames: dict[str, pd.DataFrame] = {}
    for name in CSV_TABLES:
        frames[name] = pd.read_csv(data_dir / f"{name}.csv", dtype=str, keep_default_na=False)
    for name in PARQUET_TABLES:
        path = data_dir / f"{name}.parquet"
        if path.is_file():
            frames[name] = pd.read_parquet(path)
    meta = json.loads((data_dir / META).read_text("utf-8"))
    return Tables(frames=frames, meta=meta)
