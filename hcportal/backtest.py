"""``hcportal backtest``: the I/O around :mod:`hcportal.transform.backtest`.

Where the past comes from:

- the runs kept in the history (:func:`from_history`, the default): each run's health scores and
  alerts *as they were published* on its as-of date, held against the outcomes the newest run
  sees. Nothing is re-scored: a run made under another configuration counts as it was;
- a transform output folder (:func:`from_data`: its events table holds every account's past, so
  any earlier day can be re-scored under today's configuration: ``build/data``, or a run kept in
  the history, ``build/history/<run>/data``);
- the demo's generated history (:func:`from_demo`: the synthetic CRM's accounts with their
  archetypes, generated and transformed here).

The report is written as CSV files for people and summed up as text.
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
from hcportal.core.tables import _as_written, read_meta
from hcportal.publish.history import History
from hcportal.transform import TABLES
from hcportal.transform.backtest import Backtest, Observed, assess, backtest, replay_dates
from hcportal.transform.settings import TransformSettings

NEEDED = ("events", "accounts", "contracts", "occasions")
KEPT = ("health_scores", "health_explain", "alerts")  # what each kept run said


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


def from_history(history: Path, settings: TransformSettings, horizon: int) -> Backtest:
    """Hold the scores and alerts of the runs kept in ``history``, each as published on its
    as-of date, against the churn the newest of them sees (its contracts)."""
    runs = _scored_runs(history)
    if len(runs) < 2:
        raise BacktestError(
            f"{history} keeps {len(runs)} run(s) with health scores; a backtest over the history "
            "needs two or more (or use --data build/data to re-score one run's past, or --demo)"
        )
    seen = []
    for as_of, data in runs:
        t = _read(data, KEPT)
        seen.append(Observed(as_of, t["health_scores"], t.get("health_explain"), t.get("alerts")))
    end, newest = runs[-1]
    contracts = _read(newest, ("contracts",)).get("contracts")
    if contracts is None:
        raise BacktestError(f"{newest} has no contracts table: the outcomes cannot be known")
    bands = [b.name for b in settings.score.bands]
    result = assess(seen, contracts, end, horizon, bands)
    result.notes.append(
        f"The scores and alerts of {len(runs)} runs kept in {history}, as each was published "
        f"(nothing re-scored); outcomes as the newest run ({end}) sees them."
    )
    return result


def _scored_runs(history: Path) -> list[tuple[date, Path]]:
    """(as-of date, data folder) of the kept runs with health scores, oldest first; of two runs
    of the same as-of date (a night run again), the later one."""
    found: dict[date, Path] = {}
    for run_id in History(history, keep=0).runs():
        data = history / run_id / "data"
        if not (data / "health_scores.parquet").is_file():
            continue
        try:
            found[date.fromisoformat(read_meta(data)["as_of"])] = data
        except (HcportalError, KeyError, ValueError):
            continue  # a damaged entry says nothing about the past
    return sorted(found.items())


def _read(data: Path, names: tuple[str, ...]) -> dict[str, pd.DataFrame]:
    out = {}
    for name in names:
        path = data / f"{name}.parquet"
        if path.is_file():
            try:
                out[name] = _as_written(TABLES[name], pd.read_parquet(path))
            except (OSError, ValueError) as e:
                raise BacktestError(f"{path} cannot be read ({type(e).__name__}: {e})") from None
    return out


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
        *b.notes,
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
