"""``hcportal backtest``: the I/O around :func:`hcportal.transform.backtest.backtest`.

Where the history comes from: a transform output folder (its events table holds every account's
past, so any earlier day can be replayed: ``build/data``, or a run kept in the history,
``build/history/<run>/data``), or the demo's generated history (``demo=True``: the synthetic
CRM's accounts with their archetypes, generated and transformed here). The report is written as
CSV files for people and summed up as text.
"""

from __future__ import annotations

import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd

from hcportal import transform
from hcportal.core import clock
from hcportal.core.errors import HcportalError
from hcportal.core.files import atomic_write_text
from hcportal.transform.backtest import Backtest, backtest, replay_dates
from hcportal.transform.settings import TransformSettings

NEEDED = ("events", "accounts", "contracts", "occasions")


class BacktestError(HcportalError):
    """The backtest cannot run on what it was given."""


def from_data(data_dir: Path, settings: TransformSettings, months: int, every: int,
              horizon: int) -> Backtest:  # fmt: skip
    """Replay the tables of a transform output folder, up to its as-of date."""
    tables = transform.read(data_dir)
    missing = [t for t in NEEDED if t not in tables.frames]
    if missing:
        raise BacktestError(f"{data_dir} has no {', '.join(missing)} table; run transform again")
    end = date.fromisoformat(tables.meta["as_of"])
    return _run(tables, settings, end, months, every, horizon)


def from_demo(settings: TransformSettings, accounts: int, seed: int, today: date, months: int,
              every: int, horizon: int) -> tuple[Backtest, pd.DataFrame]:  # fmt: skip
    """Replay the demo CRM's generated history; also returns each account's true archetype."""
    from hcportal.democrm import synthetic

    sim = synthetic.simulate(accounts=accounts, seed=seed, today=today)
    with tempfile.TemporaryDirectory(prefix="hcportal-backtest-") as tmp:
        for name, df in sim.reports.items():
            df.to_csv(Path(tmp) / f"{name}.csv", index=False)
        now = clock.fixed(datetime(today.year, today.month, today.day, tzinfo=UTC))
        tables = transform.run(Path(tmp), settings, today, clock=now)
    truth = sim.truth.rename(columns={"Account": "account"})
    keys = tables["accounts"][["account", "account_key"]].astype("str")
    truth = keys.merge(truth.astype({"account": "str"}), on="account", how="left")
    return _run(tables, settings, today, months, every, horizon), truth


def _run(tables: transform.Tables, settings: TransformSettings, end: date, months: int,
         every: int, horizon: int) -> Backtest:  # fmt: skip
    if months < 1 or every < 1:
        raise BacktestError("--months and --every must be at least 1")
    f = tables.frames
    return backtest(
        f["events"], f["accounts"], f["contracts"], f.get("occasions"), settings.score,
        replay_dates(end, months, every), end, horizon,
    )  # fmt: skip


def write(b: Backtest, out: Path) -> list[Path]:
    """The report as CSV files in ``out``: per band, per alert rule and band, per measure, and
    every account's first flag of each kind."""
    out.mkdir(parents=True, exist_ok=True)
    files = []
    for name, df in (("backtest_bands", b.bands), ("backtest_rules", b.rules),
                     ("backtest_measures", b.measures), ("backtest_flags", b.flags)):  # fmt: skip
        path = out / f"{name}.csv"
        atomic_write_text(path, df.to_csv(index=False))
        files.append(path)
    return files


def summary(b: Backtest) -> str:
    """The report in words, for the terminal."""
    lines = [
        f"Replayed {len(b.dates)} dates from {b.dates[0]} to {b.dates[-1]}; churn counted within "
        f"{b.horizon_days} days of each.",
        "",
        "Per band or state (account-dates whose horizon has passed):",
        b.bands.to_string(index=False),
        "",
        "Per alert rule and band (flags raised before the churn):",
        b.rules.to_string(index=False) if len(b.rules) else "  (no flags)",
        "",
        "Per measure (AUC: 0.5 is chance, 1 separates churned from renewed perfectly):",
        b.measures.to_string(index=False),
    ]
    return "\n".join(lines)
